#pragma once
// JSON-lines logging for the kernel and plugins. One line per event on
// stderr: {"ts":"...","level":"info","component":"kernel","msg":"...",...}.
// Lines go through one spdlog logger: the caller's members after the time
// spdlog stamps, into a buffer a background thread writes in batches.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "agape/json_text.h"  // appendJsonEscaped, for log lines
#include "agape/logger.h"

namespace agape::kernel {

// Process-wide minimum level and sink; thread-safe.
void setLogLevel(LogLevel level);
LogLevel logLevel();
LogLevel parseLogLevel(std::string_view name);  // throws std::invalid_argument

// Queues one line: `members` are the JSON object's members after "ts"
// (`"level":"info","component":"access",...`, no braces), the time is the
// call's. A background thread writes the queued lines within 20 ms, one
// write(2) per batch.
void writeLogLine(std::string_view members);
// Writes every queued line now (before exiting, after a fatal error).
void flushLogs();

// The request id of the request being served on this thread, if any; log
// lines carry it.
void setCurrentRequestId(std::string_view id);
std::string_view currentRequestId();
// The client IP of that request (audit records carry it).
void setCurrentClientIp(std::string_view ip);
std::string_view currentClientIp();

class JsonLogger final : public Logger {
 public:
  explicit JsonLogger(std::string component) : component_(std::move(component)) {}
  bool enabled(LogLevel level) const override;
  void log(LogLevel level, std::string_view message,
           std::initializer_list<LogField> fields = {}) override;

 private:
  std::string component_;
};

}  // namespace agape::kernel
