#include "log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace agape::kernel {
namespace {
std::atomic<int> gLevel{static_cast<int>(LogLevel::Info)};
std::mutex gSinkMutex;
thread_local std::string tRequestId;
thread_local std::string tClientIp;

const char* levelName(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

void appendTimestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  out += buf;
}
}  // namespace

void setLogLevel(LogLevel level) { gLevel = static_cast<int>(level); }
LogLevel logLevel() { return static_cast<LogLevel>(gLevel.load()); }

LogLevel parseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::Debug;
  if (name == "info") return LogLevel::Info;
  if (name == "warn") return LogLevel::Warn;
  if (name == "error") return LogLevel::Error;
  throw std::invalid_argument("unknown log level '" + std::string(name) + "'");
}

void appendJsonEscaped(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void writeLogLine(std::string_view line) {
  std::lock_guard lock(gSinkMutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
}

void setCurrentRequestId(std::string_view id) { tRequestId.assign(id); }
std::string_view currentRequestId() { return tRequestId; }
void setCurrentClientIp(std::string_view ip) { tClientIp.assign(ip); }
std::string_view currentClientIp() { return tClientIp; }

bool JsonLogger::enabled(LogLevel level) const { return static_cast<int>(level) >= gLevel.load(); }

void JsonLogger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(128 + message.size());
  line += "{\"ts\":\"";
  appendTimestamp(line);
  line += "\",\"level\":\"";
  line += levelName(level);
  line += "\",\"component\":\"";
  appendJsonEscaped(line, component_);
  line += "\",\"msg\":\"";
  appendJsonEscaped(line, message);
  line += '"';
  if (!tRequestId.empty()) {
    line += ",\"requestId\":\"";
    appendJsonEscaped(line, tRequestId);
    line += '"';
  }
  for (const auto& f : fields) {
    line += ",\"";
    appendJsonEscaped(line, f.key);
    line += "\":\"";
    appendJsonEscaped(line, f.value);
    line += '"';
  }
  line += '}';
  writeLogLine(line);
}

}  // namespace agape::kernel
