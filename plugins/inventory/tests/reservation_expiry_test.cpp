// Reservations expire on an injected clock: the sweep (run by the expiry
// timer, expiry_timer_test.cpp, and by the minute cron schedule's job) gives
// the stock back once the time ran out, publishes
// inventory.reservation_expired, and loses every race to a commit or
// release. A reservation writes no job.
#include "inventory_test_support.h"
#include "reservation_expiry.h"

namespace agape::inventory::testing {
namespace {

class ReservationExpiryTest : public InventoryDbTest {
 protected:
  void SetUp() override {
    InventoryDbTest::SetUp();
    if (IsSkipped()) return;
    expiry_ = std::make_unique<ReservationExpiry>(*db_, clock_, *book_, 500);
  }
  void TearDown() override {
    expiry_.reset();
    InventoryDbTest::TearDown();
  }
  ReservationStatus status(const Holder& holder) {
    return db_->read([&](Tx& tx) { return book_->find(tx, holder)->status; });
  }

  std::unique_ptr<ReservationExpiry> expiry_;
};

TEST_P(ReservationExpiryTest, TheSweepReleasesOnlyReservationsWhoseTimeRanOut) {
  stock("a", 10);
  stock("b", 10);
  const auto first = reserve({"order", "1"}, {{"a", 2}, {"b", 1}});  // the default 15 minutes
  const auto second = reserve({"order", "2"}, {{"a", 3}}, std::chrono::seconds(20 * 60));  // its own ttl
  EXPECT_EQ(second.expiresAt - first.expiresAt, 5min + 1ms);
  clock_.set(first.expiresAt - 1ms);
  EXPECT_EQ(expiry_->sweep(), 0);
  clock_.advance(1ms);
  EXPECT_EQ(expiry_->sweep(), 1);
  EXPECT_EQ(expiry_->sweep(), 0) << "expired once";
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Expired);
  EXPECT_EQ(status({"order", "2"}), ReservationStatus::Active);
  EXPECT_EQ(level("a").reserved, 3);
  EXPECT_EQ(level("b").reserved, 0);
  EXPECT_EQ(level("a").onHand, 10);

  const auto expired = events("inventory.reservation_expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(
      expired[0],
      (Json{{"holder", "order:1"},
            {"holderKind", "order"},
            {"holderId", "1"},
            {"items", {{{"variantId", "a"}, {"quantity", 2}}, {{"variantId", "b"}, {"quantity", 1}}}}}));
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE kind = 'expire'"), 2);

  // The holder's late commit or release changes nothing.
  EXPECT_FALSE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "1"}); }));
  EXPECT_FALSE(db_->run([&](Tx& tx) { return book_->release(tx, {"order", "1"}); }));

  clock_.set(second.expiresAt);
  EXPECT_EQ(expiry_->sweep(), 1);
  EXPECT_EQ(level("a").reserved, 0);
  EXPECT_EQ(fromMovements("a"), std::make_pair(10LL, 0LL));
  EXPECT_EQ(fromMovements("b"), std::make_pair(10LL, 0LL));
}

TEST_P(ReservationExpiryTest, ACommitBeforeTheSweepWins) {
  stock("a", 10);
  reserve({"order", "1"}, {{"a", 4}});
  clock_.advance(16min);  // due, but the sweep has not run yet
  EXPECT_TRUE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "1"}); }));
  EXPECT_EQ(expiry_->sweep(), 0);
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Committed);
  EXPECT_EQ(level("a").onHand, 6);
  EXPECT_TRUE(events("inventory.reservation_expired").empty());
}

TEST_P(ReservationExpiryTest, AReservationWritesNoJob) {
  expiry_->registerWith(ctx_->jobs());
  ctx_->endProvision();
  stock("a", 5);
  const long long jobs = count("SELECT count(*) AS n FROM agape_jobs");
  reserve({"order", "1"}, {{"a", 2}}, std::chrono::seconds(90));
  reserve({"order", "2"}, {{"a", 1}});
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'inventory.expire'"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), jobs) << "nor any other job";
}

TEST_P(ReservationExpiryTest, AHolderJobFromBeforeTheTimerRunsAsASweep) {
  expiry_->registerWith(ctx_->jobs());
  ctx_->endProvision();
  stock("a", 5);
  const auto due = reserve({"order", "1"}, {{"a", 2}}, std::chrono::seconds(90));
  reserve({"order", "2"}, {{"a", 1}});  // committed before its time
  reserve({"order", "3"}, {{"a", 1}}, std::chrono::seconds(30 * 60));  // not due yet
  EXPECT_TRUE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "2"}); }));
  // Jobs as an older version enqueued them, one per reservation, due at its
  // expiry; and one for a holder that has no hold at all.
  for (const char* holder : {"order:1", "order:2", "order:3", "order:x"})
    ctx_->jobs().enqueue(ReservationExpiry::kQueue, Json{{"holder", holder}}.dump(),
                         JobOptions{.runAt = due.expiresAt, .idempotencyKey = std::string("expire:") + holder});
  clock_.set(due.expiresAt);
  EXPECT_EQ(ctx_->runDueJobs(), 4);
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Expired);
  EXPECT_EQ(status({"order", "2"}), ReservationStatus::Committed);
  EXPECT_EQ(status({"order", "3"}), ReservationStatus::Active);
  EXPECT_EQ(level("a").onHand, 4);
  EXPECT_EQ(level("a").reserved, 1);
  EXPECT_EQ(events("inventory.reservation_expired").size(), 1u) << "expired once, not once per job";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'inventory.expire' AND status = 'done'"), 4);
}

TEST_P(ReservationExpiryTest, TheMinuteScheduleSweepsHoldsWithoutAJob) {
  stock("a", 3);
  expiry_->registerWith(ctx_->jobs());
  reserve({"order", "1"}, {{"a", 3}});
  ctx_->endProvision();
  for (int minute = 1; minute < 15; ++minute) {
    clock_.advance(1min);
    EXPECT_EQ(ctx_->tickCron(), 1) << minute;
    ctx_->runDueJobs();
    ASSERT_EQ(status({"order", "1"}), ReservationStatus::Active) << "after " << minute << " min";
  }
  clock_.advance(1min);
  EXPECT_EQ(ctx_->tickCron(), 1);
  ctx_->runDueJobs();
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Expired);
  EXPECT_EQ(level("a").reserved, 0);
  EXPECT_EQ(events("inventory.reservation_expired").size(), 1u);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'inventory.expire' AND status = 'done'"), 15);
}

TEST_P(ReservationExpiryTest, AHoldThatCannotBeExpiredHoldsBackNoOther) {
  stock("gone", 5);
  stock("a", 5);
  reserve({"order", "1"}, {{"gone", 1}});  // the earliest: swept first
  reserve({"order", "2"}, {{"a", 2}});
  // Its level vanished (removed by hand): expiring it fails every time.
  db_->run([&](Tx& tx) { tx.exec("DELETE FROM inventory_levels WHERE variant_id = 'gone'"); });
  clock_.advance(15min);
  EXPECT_THROW(expiry_->sweep(), std::logic_error);
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Active);
  EXPECT_EQ(status({"order", "2"}), ReservationStatus::Expired) << "swept although the hold before it failed";
  EXPECT_EQ(level("a").reserved, 0);
}

TEST_P(ReservationExpiryTest, ASweepExpiresAtMostItsBatch) {
  ReservationExpiry small(*db_, clock_, *book_, 2);
  stock("a", 10);
  for (int i = 0; i < 5; ++i) reserve({"order", std::to_string(i)}, {{"a", 1}});
  clock_.advance(15min);
  EXPECT_EQ(small.sweep(), 2);
  EXPECT_EQ(small.sweep(), 2);
  EXPECT_EQ(small.sweep(), 1);
  EXPECT_EQ(level("a").reserved, 0);
}

AGAPE_DATABASE_TESTS(ReservationExpiryTest);

}  // namespace
}  // namespace agape::inventory::testing
