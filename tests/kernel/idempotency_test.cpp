// The SDK's Idempotency-Key helper against both databases: first claim,
// replay, mismatch, in progress, and the take-over of a claim whose request
// died between its transactions (never while it may still be running);
// runIdempotent's claim → provider call → store, or release when the call
// fails.
#include <agape/idempotency.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <agape/db.h>
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
      tx.exec(tx.dialect() == Dialect::Postgres ? "CREATE TABLE test_work (n SERIAL PRIMARY KEY, step TEXT NOT NULL)"
                                                 : "CREATE TABLE test_work (n INTEGER PRIMARY KEY, step TEXT NOT NULL)");
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

  // Work with a provider call in the middle, under key "k1" of "u1": the
  // response's body is "{\"call\":<calls so far>}", or "409 <code>" for a
  // Problem, or "threw" when the call failed.
  std::string work(const std::string& hash, long long nowMs, std::chrono::milliseconds takeOver = 0ms,
                   const std::function<void()>& call = [] {}, std::optional<std::string> key = "k1") {
    try {
      const Response r = runIdempotent(
          *db_, {.table = kTable, .owner = "u1", .key = std::move(key), .requestHash = hash, .nowMs = nowMs,
                 .takeOverAfter = takeOver},
          {.begin = [&](Tx& tx) -> std::optional<Response> {
             tx.exec("INSERT INTO test_work (step) VALUES ('begin')");
             return std::nullopt;
           },
           .call = [&] {
             ++calls;
             call();
           },
           .finish = [&](Tx& tx) {
             tx.exec("INSERT INTO test_work (step) VALUES ('finish')");
             return Response::json("{\"call\":" + std::to_string(calls) + "}", 201);
           },
           .failed = [&](Tx& tx, std::string_view why) {
             tx.exec("INSERT INTO test_work (step) VALUES (:why)", {{"why", std::string(why)}});
           }});
      replayed = r.headers.get("Idempotent-Replayed").value_or("") == "true";
      return std::to_string(r.status) + " " + r.body;
    } catch (const Problem& p) {
      return std::to_string(p.status()) + " " + p.code();
    } catch (const std::runtime_error&) {
      return "threw";
    }
  }
  std::vector<std::string> steps() {
    return db_->read([](Tx& tx) {
      std::vector<std::string> out;
      for (const auto& r : tx.query("SELECT step FROM test_work ORDER BY n")) out.push_back(r.text("step"));
      return out;
    });
  }
  long long keys() {
    return db_->read([](Tx& tx) { return tx.one("SELECT COUNT(*) AS n FROM test_idempotency")->integer("n"); });
  }

  std::unique_ptr<DbPool> db_;
  int calls = 0;
  bool replayed = false;
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

TEST_P(IdempotencyTest, TheAnswerAfterTheCallIsStoredAndReplayed) {
  EXPECT_EQ(work("h1", 1000), "201 {\"call\":1}");
  EXPECT_FALSE(replayed);
  EXPECT_EQ(work("h1", 1001), "201 {\"call\":1}") << "the first answer, not a second call";
  EXPECT_TRUE(replayed);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(steps(), (std::vector<std::string>{"begin", "finish"}));
}

TEST_P(IdempotencyTest, AFailedCallGivesTheKeyBackAndARetrySucceeds) {
  EXPECT_EQ(work("h1", 1000, 0ms, [] { throw std::runtime_error("provider down"); }), "threw");
  EXPECT_EQ(steps(), (std::vector<std::string>{"begin", "provider down"})) << "failed ran, finish did not";
  EXPECT_EQ(keys(), 0);
  EXPECT_EQ(work("h1", 1001), "201 {\"call\":2}");
  EXPECT_FALSE(replayed);
  EXPECT_EQ(work("h1", 1002), "201 {\"call\":2}");
  EXPECT_TRUE(replayed);
}

TEST_P(IdempotencyTest, AnotherBodyWithTheKeyIsAConflict) {
  EXPECT_EQ(work("h1", 1000), "201 {\"call\":1}");
  EXPECT_EQ(work("h2", 1001), "409 idempotency_mismatch");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(work("h2", 1002, 0ms, [] {}, "k2"), "201 {\"call\":2}") << "a new key is a new request";
}

TEST_P(IdempotencyTest, TheHelperTakesOverAnAbandonedClaimOnlyAfterTheBound) {
  EXPECT_EQ(claim("h1", 1000), "claimed");  // a request that died before its call
  EXPECT_EQ(work("h1", 1000 + 119'999, 2min), "409 idempotency_in_progress");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(work("h1", 1000 + 120'001, 2min), "201 {\"call\":1}");
  EXPECT_EQ(work("h1", 1000 + 120'002, 2min), "201 {\"call\":1}");
  EXPECT_TRUE(replayed);
}

TEST_P(IdempotencyTest, AnAnswerGivenBeforeTheCallIsWhatARetryGetsMeanwhile) {
  // The work of begin must never be asked for twice (a refund): its answer
  // is the key's from the start.
  std::string duringCall;
  const auto run = [&](const std::function<void()>& call) {
    return runIdempotent(*db_, {.table = kTable, .owner = "u1", .key = "k1", .requestHash = "h1", .nowMs = 1000},
                         {.begin = [](Tx&) -> std::optional<Response> { return Response::json("{\"pending\":true}", 202); },
                          .call = call,
                          .finish = [](Tx&) { return Response::json("{\"pending\":false}", 202); }})
        .body;
  };
  EXPECT_EQ(run([&] { duringCall = run([] { FAIL() << "a retry called the provider again"; }); }), "{\"pending\":false}");
  EXPECT_EQ(duringCall, "{\"pending\":true}");
  EXPECT_EQ(run([] { FAIL() << "called again"; }), "{\"pending\":false}");
}

TEST_P(IdempotencyTest, WithoutAKeyEveryStepRunsAndNothingIsKept) {
  EXPECT_EQ(work("h1", 1000, 0ms, [] {}, std::nullopt), "201 {\"call\":1}");
  EXPECT_EQ(work("h1", 1001, 0ms, [] {}, std::nullopt), "201 {\"call\":2}");
  EXPECT_EQ(keys(), 0);
  EXPECT_EQ(work("h1", 1002, 0ms, [] {}, "bad key"), "400 validation_failed");
  EXPECT_EQ(calls, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
