// RateLimiter::take() on a fresh limiter against one that has already seen a
// flood of 1M distinct client addresses, and under a continuing flood of new
// ones: the per-request cost must not depend on how many clients came before.

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/rate_limiter.h"

using agape::kernel::RateLimitClass;
using agape::kernel::RateLimiter;

namespace {

constexpr std::size_t kFloodClients = 1'000'000;
constexpr std::uint32_t kHotClients = 1024;

// Buckets that never run dry (the hot clients are always admitted) and never
// refill within a run (a flooded bucket stays live): the limiter keeps every
// bucket it is allowed to keep, the worst case for its memory.
std::map<std::string, RateLimitClass> classes() {
  return {{"default", RateLimitClass{1, std::chrono::hours(1), 1e12}}};
}

// A dotted IPv4 address for n, written into buf (no allocation).
std::string_view address(std::uint32_t n, std::array<char, 16>& buf) {
  char* p = buf.data();
  char* end = buf.data() + buf.size();
  for (int shift = 24; shift >= 0; shift -= 8) {
    p = std::to_chars(p, end, (n >> shift) & 0xffU).ptr;
    if (shift) *p++ = '.';
  }
  return {buf.data(), static_cast<std::size_t>(p - buf.data())};
}

std::vector<std::string> hotClients(int thread) {
  std::vector<std::string> out;
  std::array<char, 16> buf{};
  for (std::uint32_t i = 0; i < kHotClients; ++i)
    out.emplace_back(address(0xC0A80000U + (static_cast<std::uint32_t>(thread) << 12) + i, buf));
  return out;
}

struct Flooded {
  std::unique_ptr<RateLimiter> limiter;
  double bytesPerBucket;
};

// Built once per process (on the old prune-on-every-take limiter this alone
// took the better part of a minute); the heap growth it causes, divided by
// the buckets left, is the memory one bucket costs.
std::size_t heapInUse() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;  // small chunks plus mmap-ed large ones
}

Flooded& flooded() {
  static Flooded f = [] {
    std::size_t before = heapInUse();
    auto limiter = std::make_unique<RateLimiter>(classes());
    std::array<char, 16> buf{};
    for (std::uint32_t i = 0; i < kFloodClients; ++i) limiter->take("default", address(0x0A000000U + i, buf));
    std::size_t after = heapInUse();
    double perBucket = static_cast<double>(after - before) / static_cast<double>(limiter->trackedClients());
    return Flooded{std::move(limiter), perBucket};
  }();
  return f;
}

// `limiter` is read inside the loop: the threads start it together, after
// thread 0 has built the limiter.
void takeHot(benchmark::State& state, const std::unique_ptr<RateLimiter>& limiter) {
  std::vector<std::string> clients = hotClients(state.thread_index());
  std::uint32_t i = 0;
  for (auto _ : state) {
    auto d = limiter->take("default", clients[i++ & (kHotClients - 1)]);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}

// 1024 clients per thread, each taking a token in turn.
void BM_RateLimiterTakeFresh(benchmark::State& state) {
  static std::unique_ptr<RateLimiter> limiter;
  if (state.thread_index() == 0) limiter = std::make_unique<RateLimiter>(classes());
  takeHot(state, limiter);
}
BENCHMARK(BM_RateLimiterTakeFresh)->Threads(1)->Threads(2)->UseRealTime();

// The same clients after 1M others have each taken a token.
void BM_RateLimiterTakeAfterFlood(benchmark::State& state) {
  Flooded& f = flooded();
  takeHot(state, f.limiter);
  if (state.thread_index() == 0) {
    state.counters["bytes_per_bucket"] = f.bytesPerBucket;
    state.counters["buckets"] = static_cast<double>(f.limiter->trackedClients());
  }
}
BENCHMARK(BM_RateLimiterTakeAfterFlood)->Threads(1)->Threads(2)->UseRealTime();

// Every request from a client never seen before, on top of the 1M flood.
void BM_RateLimiterTakeNewClients(benchmark::State& state) {
  static std::atomic<std::uint32_t> next{0x40000000U};
  RateLimiter& limiter = *flooded().limiter;
  std::array<char, 16> buf{};
  for (auto _ : state) {
    auto d = limiter.take("default", address(next.fetch_add(1, std::memory_order_relaxed), buf));
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) state.counters["buckets"] = static_cast<double>(limiter.trackedClients());
}
BENCHMARK(BM_RateLimiterTakeNewClients)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
