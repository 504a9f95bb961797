#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace agape::kernel;
using namespace std::chrono_literals;

TEST(WorkerPool, ATaskThatWaitedTooLongIsAnsweredEvenWhileEveryWorkerIsStuck) {
  WorkerPool pool(1, 100, "test", 50ms);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> ranLate{false};
  std::promise<std::chrono::steady_clock::time_point> expiredAt;
  ASSERT_TRUE(pool.submit([released] { released.wait(); }));
  const auto queuedAt = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      pool.submit([&] { ranLate = true; }, [&] { expiredAt.set_value(std::chrono::steady_clock::now()); }));
  auto expired = expiredAt.get_future();
  ASSERT_EQ(expired.wait_for(2s), std::future_status::ready) << "the overdue task was not answered";
  EXPECT_LT(expired.get() - queuedAt, 1s);
  release.set_value();
  pool.shutdown();
  EXPECT_FALSE(ranLate) << "an expired task must not run as well";
  EXPECT_EQ(pool.expired(), 1);
}

TEST(WorkerPool, TasksWithoutAnExpiryRunHoweverLongTheyWait) {
  WorkerPool pool(1, 100, "test", 20ms);
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.submit([&] {
    std::this_thread::sleep_for(100ms);
    ++ran;
  }));
  ASSERT_TRUE(pool.submit([&] { ++ran; }));
  pool.shutdown();
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(pool.expired(), 0);
}

TEST(WorkerPool, AFullQueueRefuses) {
  WorkerPool pool(1, 1, "test");
  std::promise<void> release;
  auto released = release.get_future().share();
  ASSERT_TRUE(pool.submit([released] { released.wait(); }));
  // The first task may still be queued or already running: fill up to the bound.
  bool refused = false;
  for (int i = 0; i < 3 && !refused; ++i) refused = !pool.submit([] {});
  EXPECT_TRUE(refused);
  release.set_value();
}
