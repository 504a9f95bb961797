#pragma once
// A service one test plugin provides and another consumes.

#include <string>
#include <string_view>

namespace agape_test {

class Greeter {
 public:
  static constexpr std::string_view kServiceId = "test.greeter";
  virtual ~Greeter() = default;
  virtual std::string greet(std::string_view name) const = 0;
};

}  // namespace agape_test
