#pragma once
// A configuration document given as YAML text, read exactly as the server
// reads its file: strict YAML, ${ENV} expanded on read, every value located
// as "<file>:<line>:<col>" and relative paths resolved against the file's
// folder. Nothing is read from disk: the text stands for a file named
// /etc/agape/agape.yaml unless another name is given.
//
//   auto config = decodeSection("loyalty:\n  pointsPerNaira: 2\n", "loyalty", decodeLoyaltyConfig);
//   EXPECT_EQ(sectionError("loyalty:\n  pointsPerNaira: 0\n", "loyalty", decodeLoyaltyConfig),
//             "loyalty.pointsPerNaira: must be between 1 and 100 (/etc/agape/agape.yaml:2:19)");

#include <memory>
#include <string>
#include <string_view>

#include "agape/config.h"
#include "agape/version.h"

namespace agape::testing {

class AGAPE_API ConfigText {
 public:
  static constexpr const char* kDefaultFile = "/etc/agape/agape.yaml";

  // Throws ConfigError on what the server would refuse to load. Empty text
  // is an empty document.
  explicit ConfigText(std::string_view yaml, const std::string& fileName = kDefaultFile);
  // A real file, named by its path.
  static ConfigText load(const std::string& path);

  // The top-level section `key`: Missing when absent. Views stay valid
  // after the ConfigText is gone.
  std::unique_ptr<ConfigView> section(std::string_view key) const;

 private:
  std::shared_ptr<const ConfigView> root_;
};

// What `decode` makes of the section `key` of the document `yaml`.
template <class Decoder>
auto decodeSection(std::string_view yaml, std::string_view key, Decoder decode) {
  return decode(*ConfigText(yaml).section(key));
}

// The ConfigError `decode` throws for the section `key` of `yaml`, or
// "(accepted)" when it throws none.
template <class Decoder>
std::string sectionError(std::string_view yaml, std::string_view key, Decoder decode) {
  try {
    decodeSection(yaml, key, decode);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace agape::testing
