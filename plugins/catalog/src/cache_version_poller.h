#pragma once
// Polls the shared catalog_cache_version row and calls `onChange` when
// another instance has written, so every instance drops stale responses
// within about one poll interval. A plain thread (not a job): it must run on
// every instance, at a fixed short interval.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <agape/db.h>
#include <agape/logger.h>

namespace agape::catalog {

class CacheVersionPoller {
 public:
  CacheVersionPoller(Database& db, Logger& logger, std::chrono::milliseconds interval, std::function<void()> onChange);
  ~CacheVersionPoller();
  CacheVersionPoller(const CacheVersionPoller&) = delete;
  CacheVersionPoller& operator=(const CacheVersionPoller&) = delete;

  void start();
  void stop() noexcept;

 private:
  void run();
  long long readVersion();

  Database& db_;
  Logger& logger_;
  std::chrono::milliseconds interval_;
  std::function<void()> onChange_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
  long long seen_ = -1;
  bool failing_ = false;  // the poller thread's own: logged once per failure streak
};

}  // namespace agape::catalog
