#include "log/log.h"

#include <atomic>
#include <condition_variable>
#include <thread>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace agape::kernel {
namespace {
std::atomic<int> gLevel{static_cast<int>(LogLevel::Info)};
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

namespace {

// Lines are appended to a buffer and written by one background thread in
// batches (one write(2) per batch), so a request thread pays for formatting
// and a short lock, not for a system call. A line reaches stderr within
// kFlushEvery, or at once when the buffer is large; flushLogs() and process
// exit write what is left.
class AsyncSink {
 public:
  static constexpr auto kFlushEvery = std::chrono::milliseconds(20);
  static constexpr std::size_t kFlushAbove = 256 * 1024;

  AsyncSink() : thread_([this] { loop(); }) {}
  ~AsyncSink() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
    writeOut(pending_);
  }

  void append(std::string_view line) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      pending_.append(line);
      pending_ += '\n';
      wake = pending_.size() > kFlushAbove;
    }
    if (wake) cv_.notify_one();
  }

  void flush() {
    std::string batch;
    std::lock_guard writing(writeMutex_);
    {
      std::lock_guard lock(mutex_);
      batch.swap(pending_);
    }
    writeOut(batch);
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, kFlushEvery);
      if (pending_.empty()) continue;
      std::string batch;
      batch.swap(pending_);
      lock.unlock();
      {
        std::lock_guard writing(writeMutex_);
        writeOut(batch);
      }
      lock.lock();
    }
  }

  static void writeOut(const std::string& batch) {
    if (batch.empty()) return;
    std::fwrite(batch.data(), 1, batch.size(), stderr);
    std::fflush(stderr);
  }

  std::mutex mutex_;
  std::mutex writeMutex_;  // keeps batches in order between the thread and flush()
  std::condition_variable cv_;
  std::string pending_;
  bool stopping_ = false;
  std::thread thread_;
};

AsyncSink& sink() {
  static AsyncSink s;
  return s;
}

}  // namespace

void writeLogLine(std::string_view line) { sink().append(line); }

void flushLogs() { sink().flush(); }

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
