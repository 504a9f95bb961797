// The expiry timer: it looks at the earliest active hold, sleeps until it is
// due but never longer than a second, drains everything due (more than a
// batch too), is woken by an earlier reservation committed here, and rides
// out a database outage quietly. tick() is one round of its thread, driven
// here by a manual clock; the thread itself is run once end to end.
#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>

#include <agape/testing/log_capture.h>

#include "expiry_timer.h"
#include "inventory_test_support.h"
#include "reservation_expiry.h"

namespace agape::inventory::testing {
namespace {

using std::chrono::milliseconds;

// The test database, or one that fails every transaction as told.
class FlakyDatabase final : public Database {
 public:
  enum class Mode { Works, Unavailable, Broken };
  explicit FlakyDatabase(Database& real) : real_(real) {}
  std::atomic<Mode> mode{Mode::Works};
  Dialect dialect() const override { return real_.dialect(); }
  void transact(const std::function<void(Tx&)>& fn, TxOptions options) override {
    if (mode == Mode::Unavailable) throw DbError(DbError::Kind::Unavailable, "could not connect to the database");
    if (mode == Mode::Broken) throw std::runtime_error("something else went wrong");
    real_.transact(fn, options);
  }

 private:
  Database& real_;
};

TEST(ExpiryTimerWait, UntilTheEarliestExpiryButAtMostASecond) {
  const long long now = 1'800'000'000'000;
  EXPECT_EQ(ExpiryTimer::waitFor(std::nullopt, now), milliseconds(1000)) << "no active hold";
  EXPECT_EQ(ExpiryTimer::waitFor(now + 1, now), milliseconds(1));
  EXPECT_EQ(ExpiryTimer::waitFor(now + 400, now), milliseconds(400));
  EXPECT_EQ(ExpiryTimer::waitFor(now + 1000, now), milliseconds(1000));
  EXPECT_EQ(ExpiryTimer::waitFor(now + 15 * 60 * 1000, now), milliseconds(1000));
  EXPECT_EQ(ExpiryTimer::waitFor(now, now), milliseconds(0)) << "due";
  EXPECT_EQ(ExpiryTimer::waitFor(now - 5000, now), milliseconds(0)) << "overdue";
}

TEST(ExpiryTimerWait, AnOutageBacksOffFrom250msDoublingToASecond) {
  EXPECT_EQ(ExpiryTimer::backoff(milliseconds(0)), milliseconds(250));
  EXPECT_EQ(ExpiryTimer::backoff(milliseconds(250)), milliseconds(500));
  EXPECT_EQ(ExpiryTimer::backoff(milliseconds(500)), milliseconds(1000));
  EXPECT_EQ(ExpiryTimer::backoff(milliseconds(1000)), milliseconds(1000));
}

class ExpiryTimerTest : public InventoryDbTest {
 protected:
  void SetUp() override {
    InventoryDbTest::SetUp();
    if (IsSkipped()) return;
    flaky_ = std::make_unique<FlakyDatabase>(*db_);
    useBatch(500);
  }
  void TearDown() override {
    timer_.reset();
    expiry_.reset();
    flaky_.reset();
    InventoryDbTest::TearDown();
  }
  void useBatch(long long batch) {
    timer_.reset();
    expiry_ = std::make_unique<ReservationExpiry>(*flaky_, clock_, *book_, batch);
    timer_ = std::make_unique<ExpiryTimer>(*flaky_, clock_, log_, *book_, *expiry_);
  }
  ReservationStatus status(const Holder& holder) {
    return db_->read([&](Tx& tx) { return book_->find(tx, holder)->status; });
  }
  long long ms(Clock::TimePoint t) { return epochMs(t); }
  long long now() { return epochMs(clock_.now()); }
  std::optional<long long> nextExpiry() {
    return db_->read([&](Tx& tx) { return book_->nextExpiry(tx); });
  }

  agape::testing::LogCapture log_;
  std::unique_ptr<FlakyDatabase> flaky_;
  std::unique_ptr<ReservationExpiry> expiry_;
  std::unique_ptr<ExpiryTimer> timer_;
};

TEST_P(ExpiryTimerTest, ItSleepsUntilTheEarliestActiveExpiryButNeverLongerThanASecond) {
  EXPECT_EQ(nextExpiry(), std::nullopt);
  EXPECT_EQ(timer_->tick(), 1000ms) << "no hold: look again in a second (another instance may make one)";
  EXPECT_EQ(timer_->targetMs(), now() + 1000);

  stock("a", 10);
  const auto later = reserve({"order", "later"}, {{"a", 1}}, std::chrono::seconds(120));
  const auto sooner = reserve({"order", "sooner"}, {{"a", 1}}, std::chrono::seconds(60));
  const auto sold = reserve({"order", "sold"}, {{"a", 1}}, std::chrono::seconds(30));
  EXPECT_TRUE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "sold"}); }));
  EXPECT_EQ(nextExpiry(), ms(sooner.expiresAt)) << "the earliest active hold; a committed one no longer counts";

  EXPECT_EQ(timer_->tick(), 1000ms) << "a minute away: capped at a second";
  clock_.set(sold.expiresAt);
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(status({"order", "sold"}), ReservationStatus::Committed);
  clock_.set(sooner.expiresAt - 400ms);
  EXPECT_EQ(timer_->tick(), 400ms);
  EXPECT_EQ(timer_->targetMs(), ms(sooner.expiresAt)) << "wakes at the expiry itself";
  EXPECT_EQ(status({"order", "sooner"}), ReservationStatus::Active);

  clock_.set(sooner.expiresAt);
  EXPECT_EQ(timer_->tick(), 1000ms) << "swept; the next hold is a minute away";
  EXPECT_EQ(status({"order", "sooner"}), ReservationStatus::Expired);
  EXPECT_EQ(status({"order", "later"}), ReservationStatus::Active);
  EXPECT_EQ(nextExpiry(), ms(later.expiresAt));

  clock_.set(later.expiresAt + 10s);  // overdue (the machine slept): swept at once
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(status({"order", "later"}), ReservationStatus::Expired);
  EXPECT_EQ(nextExpiry(), std::nullopt);
  EXPECT_EQ(level("a").reserved, 0);
  EXPECT_EQ(level("a").onHand, 9);
  EXPECT_EQ(events("inventory.reservation_expired").size(), 2u);
  EXPECT_EQ(log_.count(LogLevel::Warn), 0u);
}

TEST_P(ExpiryTimerTest, OneRoundDrainsMoreThanABatch) {
  useBatch(2);
  stock("a", 20);
  for (int i = 0; i < 7; ++i) reserve({"order", std::to_string(i)}, {{"a", 1}});
  const auto notYet = reserve({"order", "later"}, {{"a", 1}}, std::chrono::seconds(20 * 60));
  clock_.advance(15min);
  EXPECT_EQ(timer_->tick(), 1000ms);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(status({"order", std::to_string(i)}), ReservationStatus::Expired) << i;
  EXPECT_EQ(status({"order", "later"}), ReservationStatus::Active);
  EXPECT_EQ(level("a").reserved, 1);
  EXPECT_EQ(events("inventory.reservation_expired").size(), 7u);
  EXPECT_EQ(nextExpiry(), ms(notYet.expiresAt));
}

TEST_P(ExpiryTimerTest, AReservationCommittedHereWakesItOnlyWhenDueBeforeItsTarget) {
  std::vector<long long> told;
  book_->wakeOnReserve([&](long long at) { told.push_back(at); });
  stock("a", 10);
  const auto hold = reserve({"order", "1"}, {{"a", 1}}, std::chrono::seconds(60));
  ASSERT_EQ(told, std::vector<long long>{ms(hold.expiresAt)}) << "told once committed";
  // A reservation rolled back is never told.
  EXPECT_THROW(db_->run([&](Tx& tx) {
    book_->reserve(tx, {"order", "2"}, {{"a", 1}}, std::chrono::seconds(5));
    throw std::runtime_error("the order failed after reserving");
  }),
               std::runtime_error);
  EXPECT_EQ(told.size(), 1u);

  timer_->tick();
  const long long target = timer_->targetMs();
  EXPECT_EQ(target, now() + 1000);
  EXPECT_FALSE(timer_->reserved(target)) << "due when it looks anyway";
  EXPECT_FALSE(timer_->reserved(target + 60'000));
  EXPECT_TRUE(timer_->reserved(target - 1));
  EXPECT_FALSE(timer_->reserved(target - 1)) << "woken for it already";
  EXPECT_TRUE(timer_->reserved(target - 2)) << "an earlier one still wakes it";
}

TEST_P(ExpiryTimerTest, AnOutageIsRetriedQuietlyWithBackoffAndOtherFailuresAreLoggedEachTime) {
  stock("a", 5);
  const auto hold = reserve({"order", "1"}, {{"a", 2}}, std::chrono::seconds(60));
  clock_.set(hold.expiresAt);
  flaky_->mode = FlakyDatabase::Mode::Unavailable;
  EXPECT_EQ(timer_->tick(), 250ms);
  EXPECT_EQ(timer_->tick(), 500ms);
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(timer_->targetMs(), now() + 1000);
  EXPECT_EQ(log_.count(LogLevel::Warn), 1u) << "one line for the outage, none per try";
  EXPECT_EQ(log_.count(LogLevel::Warn, "database unavailable"), 1u);

  flaky_->mode = FlakyDatabase::Mode::Works;
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(status({"order", "1"}), ReservationStatus::Expired) << "swept once the database answers";
  EXPECT_EQ(log_.count(LogLevel::Info, "works again"), 1u);
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(log_.count(LogLevel::Info, "works again"), 1u);

  flaky_->mode = FlakyDatabase::Mode::Broken;
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(log_.count(LogLevel::Error, "sweep failed"), 2u) << "one line per failure";
  EXPECT_TRUE(log_.mentions("something else went wrong"));
  flaky_->mode = FlakyDatabase::Mode::Unavailable;
  EXPECT_EQ(timer_->tick(), 250ms) << "an outage after another failure starts its backoff afresh";
  EXPECT_EQ(log_.count(LogLevel::Warn, "database unavailable"), 2u);
  flaky_->mode = FlakyDatabase::Mode::Works;
  EXPECT_EQ(timer_->tick(), 1000ms);
  EXPECT_EQ(log_.count(LogLevel::Info, "works again"), 2u);
}

// The thread itself, on real time: it expires a hold within about a second
// of its (manual) expiry, through an outage, and stops promptly.
TEST_P(ExpiryTimerTest, TheThreadExpiresHoldsOnceDueAndOutlivesAnOutage) {
  stock("a", 5);
  const auto first = reserve({"order", "1"}, {{"a", 2}}, std::chrono::seconds(60));
  const auto second = reserve({"order", "2"}, {{"a", 1}}, std::chrono::seconds(120));
  book_->wakeOnReserve([timer = timer_.get()](long long at) { timer->reserved(at); });
  timer_->start();
  auto eventually = [&](const std::function<bool()>& done) {
    for (auto until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(20ms))
      if (done()) return true;
    return done();
  };
  clock_.set(first.expiresAt);
  EXPECT_TRUE(eventually([&] { return status({"order", "1"}) == ReservationStatus::Expired; }));
  EXPECT_EQ(status({"order", "2"}), ReservationStatus::Active);

  flaky_->mode = FlakyDatabase::Mode::Unavailable;
  std::this_thread::sleep_for(1500ms);  // a few tries
  clock_.set(second.expiresAt);
  flaky_->mode = FlakyDatabase::Mode::Works;
  EXPECT_TRUE(eventually([&] { return status({"order", "2"}) == ReservationStatus::Expired; }));
  EXPECT_LE(log_.count(LogLevel::Warn, "database unavailable"), 1u) << "one line for the outage, none per try";
  EXPECT_EQ(log_.count(LogLevel::Error), 0u);

  const auto stopping = std::chrono::steady_clock::now();
  timer_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 500ms) << "stop wakes it";
  EXPECT_EQ(events("inventory.reservation_expired").size(), 2u);
}

AGAPE_DATABASE_TESTS(ExpiryTimerTest);

}  // namespace
}  // namespace agape::inventory::testing
