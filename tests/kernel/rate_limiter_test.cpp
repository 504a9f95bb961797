#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "http/rate_limiter.h"

using namespace agape::kernel;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// A class whose buckets take an hour per token to refill: nothing a test does
// lets one become full again, so only the cap can drop it.
std::map<std::string, RateLimitClass> slow(double burst) {
  return {{"default", RateLimitClass{1, std::chrono::hours(1), burst}}};
}

// A distinct client address per n, cheap enough for a flood of a million.
std::string client(std::size_t n) {
  char buf[24] = "10.";
  return {buf, std::to_chars(buf + 3, buf + sizeof buf, n).ptr};
}

struct TestClock {
  TimePoint now{};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

// Bytes the heap has handed out (0 where the allocator does not say, e.g.
// under AddressSanitizer, where the memory assertions hold trivially).
std::size_t heapInUse() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;  // small chunks plus mmap-ed large ones
}

}  // namespace

TEST(RateLimiter, AdmitsTheBurstThenRefusesWithRetryAfterAndRefills) {
  TestClock clock;
  RateLimiter limiter({{"tight", {2, 1s, 2}}}, clock.fn());
  auto a = limiter.take("tight", "1.2.3.4");
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.limit, 2);
  EXPECT_EQ(a.remaining, 1);
  EXPECT_TRUE(limiter.take("tight", "1.2.3.4").allowed);
  auto refused = limiter.take("tight", "1.2.3.4");
  EXPECT_FALSE(refused.allowed);
  EXPECT_DOUBLE_EQ(refused.retryAfterSeconds, 0.5);
  EXPECT_DOUBLE_EQ(refused.resetSeconds, 1.0);
  EXPECT_TRUE(limiter.take("tight", "5.6.7.8").allowed) << "buckets are per client";
  EXPECT_TRUE(limiter.take("default", "1.2.3.4").allowed) << "and per class";
  clock.now += 500ms;
  EXPECT_TRUE(limiter.take("tight", "1.2.3.4").allowed);
  EXPECT_FALSE(limiter.take("tight", "1.2.3.4").allowed);
}

TEST(RateLimiter, UnknownClassSharesTheDefaultBucket) {
  TestClock clock;
  RateLimiter limiter({{"default", {1, 1s, 1}}}, clock.fn());
  EXPECT_TRUE(limiter.hasClass("default"));
  EXPECT_FALSE(limiter.hasClass("nope"));
  EXPECT_TRUE(limiter.take("nope", "1.2.3.4").allowed);
  EXPECT_FALSE(limiter.take("default", "1.2.3.4").allowed);
  EXPECT_EQ(limiter.trackedClients(), 1u);
}

TEST(RateLimiter, FloodStaysWithinTheCapAndItsMemory) {
  TestClock clock;
  RateLimiter limiter(slow(10), clock.fn(), 1600);
  for (std::size_t i = 0; i < 50'000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 1600u);
  const std::size_t heap = heapInUse();
  for (std::size_t i = 50'000; i < 150'000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 1600u);
  // 100k more clients through a full limiter: the heap does not grow (a
  // bucket is about 84 bytes, so a leak per client would show as ~8 MB).
  EXPECT_LT(heapInUse(), heap + 64 * 1024);
}

TEST(RateLimiter, CapIsRoundedDownToWholeShards) {
  TestClock clock;
  RateLimiter limiter(slow(10), clock.fn(), 100);
  for (std::size_t i = 0; i < 10'000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 96u);
}

TEST(RateLimiter, BucketsIdleUntilFullAreDropped) {
  TestClock clock;
  RateLimiter limiter({{"default", {10, 1s, 10}}}, clock.fn());
  for (std::size_t i = 0; i < 1000; ++i) limiter.take("default", client(i));
  clock.now += 50ms;  // half a token back: not full yet, so kept
  for (std::size_t i = 1000; i < 2000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 2000u);
  clock.now += 80ms;  // the first thousand are full again (1.3 tokens back), the second not (0.8)
  for (std::size_t i = 2000; i < 4000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 3000u);
  clock.now += 1s;  // every bucket is full: the next requests drop them as they pass
  for (std::size_t i = 4000; i < 8000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 4000u);
}

TEST(RateLimiter, MemoryIsReturnedWhenAFloodDrains) {
  TestClock clock;
  RateLimiter limiter({{"default", {10, 1s, 10}}}, clock.fn());
  const auto before = static_cast<long long>(heapInUse());
  for (std::size_t i = 0; i < 100'000; ++i) limiter.take("default", client(i));
  const auto peak = static_cast<long long>(heapInUse());
  EXPECT_EQ(limiter.trackedClients(), 100'000u);
  // A request drops up to two idle buckets and adds at most one: 300k
  // requests from new clients, a second apart per thousand, drain the flood.
  for (std::size_t i = 100'000; i < 400'000; ++i) {
    if (i % 1000 == 0) clock.now += 1s;  // everything older than a second is full again
    limiter.take("default", client(i));
  }
  EXPECT_LT(limiter.trackedClients(), 3000u);
  EXPECT_LE(static_cast<long long>(heapInUse()) - before, (peak - before) / 8);
}

TEST(RateLimiter, RecentlyUsedBucketKeepsItsTokensWhileOthersComeAndGo) {
  TestClock clock;
  RateLimiter limiter({{"default", {1, 10s, 3}}}, clock.fn());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
  clock.now += 1s;  // a tenth of a token back
  for (std::size_t i = 0; i < 20'000; ++i) limiter.take("default", client(i));
  clock.now += 1s;
  for (std::size_t i = 20'000; i < 40'000; ++i) limiter.take("default", client(i));
  auto d = limiter.take("default", "198.51.100.7");
  EXPECT_FALSE(d.allowed) << "waiting a little must not reset the bucket";
  EXPECT_NEAR(d.retryAfterSeconds, 8.0, 1e-9);
}

TEST(RateLimiter, ClientUnderTheCapStillRefusedAfterAMillionOthers) {
  TestClock clock;
  RateLimiter limiter(slow(2), clock.fn(), 2'000'000);
  EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
  EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
  for (std::size_t i = 0; i < 1'000'000; ++i) limiter.take("default", client(i));
  EXPECT_EQ(limiter.trackedClients(), 1'000'001u);
  EXPECT_FALSE(limiter.take("default", "198.51.100.7").allowed);
}

TEST(RateLimiter, ActiveClientStaysRefusedThroughAFloodBeyondTheCap) {
  TestClock clock;
  RateLimiter limiter(slow(2), clock.fn());  // the default cap
  limiter.take("default", "198.51.100.7");
  limiter.take("default", "198.51.100.7");
  int admitted = 0;
  for (std::size_t i = 0; i < 1'200'000; ++i) {
    limiter.take("default", client(i));
    if (i % 1000 == 0 && limiter.take("default", "198.51.100.7").allowed) ++admitted;
  }
  EXPECT_EQ(admitted, 0);
  EXPECT_LE(limiter.trackedClients(), RateLimiter::kDefaultMaxBuckets);
}

// A million distinct clients through a limiter capped at 1,600 buckets, the
// client under attack silent meanwhile: its bucket is evicted, yet it comes
// back owing what it owed. Evicting a bucket must not be a way to reset it.
TEST(RateLimiter, AClientEvictedAtTheCapComesBackOwingItsDebt) {
  TestClock clock;
  const RateLimitClass hourly{1, std::chrono::hours(1), 2};
  RateLimiter limiter({{"default", hourly}, {"other", hourly}}, clock.fn(), 1600);
  EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
  EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
  EXPECT_FALSE(limiter.take("default", "198.51.100.7").allowed);
  std::size_t most = 0;
  for (std::size_t i = 0; i < 1'000'000; ++i) {
    limiter.take("default", client(i));
    if (i % 10'000 == 0) most = std::max(most, limiter.trackedClients());
  }
  EXPECT_LE(std::max(most, limiter.trackedClients()), 1600u);
  auto d = limiter.take("default", "198.51.100.7");
  EXPECT_FALSE(d.allowed) << "eviction reset the attacked client's bucket";
  EXPECT_GT(d.retryAfterSeconds, 3500) << "an hour per token, less a moment";
  // The flood's debts stay in its class: newcomers to another class get
  // their whole burst.
  int admitted = 0;
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::string newcomer = "192.0.2." + std::to_string(i);
    admitted += limiter.take("other", newcomer).allowed && limiter.take("other", newcomer).allowed;
  }
  EXPECT_EQ(admitted, 1000);
  clock.now += std::chrono::hours(2);  // the debt is repaid
  EXPECT_TRUE(limiter.take("default", "198.51.100.7").allowed);
}

// In the flooded class the sketch is conservative: a newcomer whose cells
// all hold debts starts owing, here a whole burst until it is repaid (an
// hour a token). Memory stays within the cap meanwhile.
TEST(RateLimiter, AfterAFloodBeyondTheCapNewcomersToThatClassStartOwing) {
  TestClock clock;
  RateLimiter limiter(slow(1), clock.fn(), 1600);
  for (std::size_t i = 0; i < 1'000'000; ++i) limiter.take("default", client(i));
  EXPECT_LE(limiter.trackedClients(), 1600u);
  EXPECT_FALSE(limiter.take("default", "192.0.2.1").allowed);
  clock.now += std::chrono::hours(1);
  EXPECT_TRUE(limiter.take("default", "192.0.2.2").allowed);
}

// For a class whose buckets refill in seconds (the default: 100 a second,
// bursts of 200) the debts are small: a million one-request clients at one
// instant, far beyond the cap, leave a newcomer most of its burst.
TEST(RateLimiter, AFloodInAFastClassCostsNewcomersLittle) {
  TestClock clock;  // frozen: nothing refills during the flood
  RateLimiter limiter({{"default", {100, std::chrono::seconds(1), 200}}}, clock.fn(), 1600);
  for (std::size_t i = 0; i < 1'000'000; ++i) limiter.take("default", client(i));
  double fewest = 200;
  for (std::size_t i = 0; i < 1000; ++i) {
    const auto d = limiter.take("default", "192.0.2." + std::to_string(i));
    EXPECT_TRUE(d.allowed);
    fewest = std::min(fewest, d.remaining);
  }
  EXPECT_GE(fewest, 100) << "a newcomer lost more than half its burst";
  std::cout << "fewest tokens left to a newcomer after the flood: " << fewest << " of 200\n";
}

TEST(RateLimiter, ConcurrentTakesNeitherLoseNorInventTokens) {
  TestClock clock;  // never advances: no refill, so the hot client gets exactly its burst
  RateLimiter limiter(slow(5000), clock.fn(), 1600);
  constexpr int kThreads = 4;
  constexpr std::size_t kPerThread = 20'000;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < kPerThread; ++i) {
        if (limiter.take("default", "198.51.100.7").allowed) admitted.fetch_add(1);
        limiter.take("default", client(t * kPerThread + i));  // churns the cap while the hot client takes
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 5000);
  EXPECT_LE(limiter.trackedClients(), 1600u);
}
