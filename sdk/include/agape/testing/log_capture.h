#pragma once
// A Logger that keeps every line it is given, for tests that check what a
// plugin logged (and that it never logged a secret). Thread-safe.

#include <cstddef>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agape/logger.h"
#include "agape/version.h"

namespace agape::testing {

struct AGAPE_API LogRecord {
  LogLevel level = LogLevel::Info;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;
  // The value of field `key`; "" when the line has none.
  std::string field(std::string_view key) const;
};

class AGAPE_API LogCapture final : public Logger {
 public:
  // Every level is enabled: a test sees debug lines too.
  bool enabled(LogLevel level) const override { return true; }
  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {}) override;

  std::vector<LogRecord> records() const;
  // Lines at `atLeast` or above whose message contains `text`.
  std::size_t count(LogLevel atLeast, std::string_view text = {}) const;
  // Whether any message or field value contains `text`.
  bool mentions(std::string_view text) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<LogRecord> records_;
};

}  // namespace agape::testing
