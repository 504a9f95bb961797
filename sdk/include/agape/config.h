#pragma once
// A read-only view of one part of the YAML configuration, with the key path
// and file:line:col of every node, and a strict decoder that plugins use to
// read their own section: unknown keys and bad values are errors such as
//   cart.maxQuantity: must be between 1 and 100 (config/agape.yaml:41:7)

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agape/version.h"

namespace agape {

class AGAPE_API ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~ConfigError() override;
};

class ConfigView {
 public:
  enum class Kind { Missing, Null, Scalar, Sequence, Map };
  virtual ~ConfigView() = default;

  virtual Kind kind() const = 0;
  virtual std::string path() const = 0;      // "cart.maxQuantity", "plugins.enabled[2]"
  virtual std::string location() const = 0;  // "config/agape.yaml:41:7", or "--set cart.x" / "" when missing
  virtual std::vector<std::string> keys() const = 0;  // of a map, in document order
  virtual std::unique_ptr<ConfigView> child(std::string_view key) const = 0;  // Missing when absent
  virtual std::size_t size() const = 0;  // of a sequence
  virtual std::unique_ptr<ConfigView> at(std::size_t index) const = 0;
  virtual std::string scalar() const = 0;  // the text of a scalar, ${ENV} already expanded

  bool present() const { return kind() != Kind::Missing && kind() != Kind::Null; }
  // Throws ConfigError "<path>: <message> (<location>)".
  [[noreturn]] void fail(std::string_view message) const;
};

// Strict reader of a map section. Every key read is remembered; finish()
// refuses any other key. A Missing or null section reads as an empty map.
class ConfigDecoder {
 public:
  explicit ConfigDecoder(const ConfigView& map);

  std::string string(std::string_view key, std::string fallback);
  std::string requiredString(std::string_view key);
  // An http(s) URL without a trailing slash, to which paths are appended
  // (a provider's API, this server as browsers reach it).
  std::string baseUrl(std::string_view key, std::string fallback);
  long long integer(std::string_view key, long long fallback, long long min, long long max);
  double number(std::string_view key, double fallback, double min, double max);
  bool boolean(std::string_view key, bool fallback);
  // "250ms", "30s", "15m", "24h", "30d"
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback);
  // "512", "64KiB", "1MiB"
  std::size_t bytes(std::string_view key, std::size_t fallback);
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> fallback);
  // One of `allowed`.
  std::string choice(std::string_view key, std::string fallback,
                     const std::vector<std::string>& allowed);
  // A nested section to decode with its own ConfigDecoder (or to walk).
  std::unique_ptr<ConfigView> section(std::string_view key);

  // Refuses unknown keys, naming the first one and its location.
  void finish() const;

  const ConfigView& view() const { return map_; }

 private:
  std::unique_ptr<ConfigView> take(std::string_view key);
  const ConfigView& map_;
  std::set<std::string, std::less<>> seen_;
};

// Helpers the decoder uses, exposed for kernel and tests.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);
std::optional<std::size_t> parseBytes(std::string_view text);
// A path from the config: a relative one is taken from the directory of the
// file that sets `key` in `section` (the working directory for a --set
// value, or when the key is absent).
std::string configPath(const ConfigView& section, std::string_view key, const std::string& path);

}  // namespace agape
