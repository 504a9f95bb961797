// The SDK's Idempotency-Key helper against both databases: first claim,
// replay, mismatch, in progress, and the take-over of a claim whose request
// died between its transactions (never while it may still be running).
#include <agape/idempotency.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <agape/problem.h>

#include "db_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;

constexpr const char* kTable = "test_idempotency";

class IdempotencyTest : public testing::DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (IsSkipped()) return;
    db_ = database().open();
    db_->run([](Tx& tx) {
      tx.exec("CREATE TABLE test_idempotency (user_id TEXT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL, "
              "response_status INTEGER, response_body TEXT, created_at BIGINT NOT NULL, PRIMARY KEY (user_id, idem_key))");
    });
  }
  void TearDown() override {
    db_.reset();
    DbTest::TearDown();
  }
  // nullopt: claimed; else the replayed status; a Problem's code as "409 <code>".
  std::string claim(const std::string& hash, long long nowMs, std::chrono::milliseconds takeOver = 0ms) {
    try {
      return db_->run([&](Tx& tx) {
        const auto r = claimIdempotencyKey(tx, kTable, "u1", "k1", hash, nowMs, takeOver);
        return r ? "replay " + std::to_string(r->status) : std::string("claimed");
      });
    } catch (const Problem& p) {
      return std::to_string(p.status()) + " " + p.code();
    }
  }

  std::unique_ptr<DbPool> db_;
};

TEST_P(IdempotencyTest, ReplaysMismatchesAndInProgress) {
  EXPECT_EQ(claim("h1", 1000), "claimed");
  EXPECT_EQ(claim("h1", 1001), "409 idempotency_in_progress");
  EXPECT_EQ(claim("h2", 1001), "409 idempotency_mismatch");
  db_->run([](Tx& tx) { storeIdempotentResponse(tx, kTable, "u1", "k1", Response::json("{}", 201)); });
  EXPECT_EQ(claim("h1", 1002), "replay 201");
  EXPECT_EQ(claim("h1", 9'000'000, 2min), "replay 201") << "an answered key is never taken over";
}

TEST_P(IdempotencyTest, AStreamedResponseIsNeverStoredForAReplay) {
  EXPECT_EQ(claim("h1", 1000), "claimed");
  EXPECT_THROW(db_->run([](Tx& tx) {
    storeIdempotentResponse(tx, kTable, "u1", "k1", Response::stream("text/csv", [](BodyWriter&) {}));
  }),
               std::logic_error);
  EXPECT_EQ(claim("h1", 1001), "409 idempotency_in_progress") << "nothing was stored";
}

TEST_P(IdempotencyTest, AnAbandonedClaimIsTakenOverOnceOnlyAfterTheBound) {
  EXPECT_EQ(claim("h1", 1000), "claimed");
  EXPECT_EQ(claim("h1", 1000 + 119'999, 2min), "409 idempotency_in_progress") << "it may still be running";
  EXPECT_EQ(claim("h2", 1000 + 200'000, 2min), "409 idempotency_mismatch") << "another body never takes it";
  // Eight retries at once after the bound: one takes it over.
  std::atomic<int> claimed{0}, inProgress{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      const std::string r = claim("h1", 1000 + 120'001, 2min);
      if (r == "claimed") ++claimed;
      if (r == "409 idempotency_in_progress") ++inProgress;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.load(), 1);
  EXPECT_EQ(inProgress.load(), 7);
  // Without a bound the claim is never taken.
  EXPECT_EQ(claim("h1", 99'000'000), "409 idempotency_in_progress");
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
