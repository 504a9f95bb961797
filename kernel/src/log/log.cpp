#include "log/log.h"

#include <unistd.h>

#include <spdlog/details/null_mutex.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

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

// The sink behind the process's spdlog logger. A calling thread formats its
// line into the pending buffer under a short lock ("ts" by the pattern, the
// rest as given); one background thread writes the buffer every 20 ms with
// one write(2), or at once when it is large, so a request pays for
// formatting and a lock, never for a system call or a wake-up. (spdlog's
// async logger wakes its worker for every line: measured ~1 µs more per
// logged request, docs/performance.md.) Every line is whole on stderr.
class BatchingStderrSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  static constexpr auto kWriteEvery = std::chrono::milliseconds(20);
  static constexpr std::size_t kWriteAbove = 256 * 1024;

  BatchingStderrSink() : writer_([this] { loop(); }) {}
  ~BatchingStderrSink() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    writer_.join();
    writeOut();
  }

 protected:
  // base_sink's own mutex is a null one: this sink locks only around the buffer.
  void sink_it_(const spdlog::details::log_msg& msg) override {
    bool large = false;
    {
      std::lock_guard lock(mutex_);
      formatter_->format(msg, pending_);
      large = pending_.size() > kWriteAbove;
    }
    if (large) cv_.notify_one();
  }
  void flush_() override { writeOut(); }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      cv_.wait_for(lock, kWriteEvery);
      if (pending_.size() == 0) continue;
      lock.unlock();
      writeOut();
      lock.lock();
    }
  }

  // Takes the pending lines and writes them; batches stay in order.
  void writeOut() {
    std::lock_guard writing(writeMutex_);
    {
      std::lock_guard lock(mutex_);
      batch_.assign(pending_.data(), pending_.size());
      pending_.clear();
    }
    const char* data = batch_.data();
    std::size_t left = batch_.size();
    while (left > 0) {
      const ssize_t n = ::write(STDERR_FILENO, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr closed or full: the lines are dropped, the server goes on
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  std::mutex mutex_;        // pending_, stopping_
  std::mutex writeMutex_;   // batch_, and the order of batches
  std::condition_variable cv_;
  spdlog::memory_buf_t pending_;
  std::string batch_;
  bool stopping_ = false;
  std::thread writer_;
};

std::shared_ptr<spdlog::logger> makeLogger() {
  auto logger = std::make_shared<spdlog::logger>("agape", std::make_shared<BatchingStderrSink>());
  // The time in UTC with milliseconds, then the caller's members.
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%eZ\",%v}",
                                                                    spdlog::pattern_time_type::utc));
  logger->set_level(spdlog::level::trace);  // the level is checked before a line is made
  return logger;
}

spdlog::logger& processLogger() {
  static const std::shared_ptr<spdlog::logger> logger = makeLogger();
  return *logger;
}

}  // namespace

void writeLogLine(std::string_view members) {
  processLogger().log(spdlog::level::info, spdlog::string_view_t(members.data(), members.size()));
}

void flushLogs() { processLogger().flush(); }

void setCurrentRequestId(std::string_view id) { tRequestId.assign(id); }
std::string_view currentRequestId() { return tRequestId; }
void setCurrentClientIp(std::string_view ip) { tClientIp.assign(ip); }
std::string_view currentClientIp() { return tClientIp; }

bool JsonLogger::enabled(LogLevel level) const { return static_cast<int>(level) >= gLevel.load(); }

void JsonLogger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(128 + message.size());
  line += "\"level\":\"";
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
  writeLogLine(line);
}

}  // namespace agape::kernel
