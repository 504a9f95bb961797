#pragma once
// Per-route request counters and latency histograms, lock-free on the hot
// path: one fixed block of atomics per route (indexed by status code and
// latency bucket), rendered by a collector at scrape time.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"

namespace agape::kernel {

class HttpMetrics {
 public:
  // One slot per route of `router` (labels copied, so the router may move
  // afterwards; Route::index stays valid) plus one for requests that matched
  // no route (label route="unmatched").
  explicit HttpMetrics(const Router& router);
  ~HttpMetrics();
  void record(const Route* route, int status, std::chrono::nanoseconds latency);
  // A streamed response ended, having sent `bytes` of its body; `complete`
  // false: cut short (the client left, or the producer failed mid-way).
  void recordStream(std::size_t bytes, bool complete);
  void render(std::string& out) const;
  unsigned long long inFlight() const { return inFlight_.load(); }
  void begin() { inFlight_.fetch_add(1, std::memory_order_relaxed); }
  void end() { inFlight_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  struct Slot;
  std::vector<std::pair<std::string, std::string>> labels_;  // method, template per route
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<unsigned long long> inFlight_{0};
  std::atomic<unsigned long long> streamsComplete_{0}, streamsCut_{0}, streamedBytes_{0};
};

}  // namespace agape::kernel
