#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

namespace agape {

enum class LogLevel { Debug, Info, Warn, Error };

struct LogField {
  std::string_view key;
  std::string value;
};

// Structured logger. Lines are JSON objects carrying the plugin id and, when
// logged while serving a request, its request id. Never pass secrets.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual bool enabled(LogLevel level) const = 0;
  virtual void log(LogLevel level, std::string_view message,
                   std::initializer_list<LogField> fields = {}) = 0;

  void debug(std::string_view m, std::initializer_list<LogField> f = {}) { log(LogLevel::Debug, m, f); }
  void info(std::string_view m, std::initializer_list<LogField> f = {}) { log(LogLevel::Info, m, f); }
  void warn(std::string_view m, std::initializer_list<LogField> f = {}) { log(LogLevel::Warn, m, f); }
  void error(std::string_view m, std::initializer_list<LogField> f = {}) { log(LogLevel::Error, m, f); }
};

}  // namespace agape
