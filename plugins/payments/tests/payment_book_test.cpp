// The payment book against a real database (SQLite, and PostgreSQL when
// AGAPE_TEST_PG_URL is set): a refund asked for by an origin is written once
// however many ask at once; what the order is told of its payment's refunds
// (and that a duplicate payment's refunds tell it nothing); keys purged after
// the retention.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <agape/idempotency.h>
#include <agape/problem.h>
#include <agape/testing/database_test.h>
#include <agape/testing/manual_clock.h>
#include <agape/testing/test_context.h>

#include "payment_book.h"

namespace agape::payments {
namespace {

using namespace std::chrono_literals;

// Orders as payments sees them: every order payable once; what it is told
// of refunds, recorded.
class FakeOrders final : public orders::OrderService {
 public:
  std::optional<orders::OrderSummary> find(Tx&, const std::string& id) const override {
    return orders::OrderSummary{id, "AG-1", "u-ada", orders::OrderStatus::Pending, 3'250'000, "NGN", 1};
  }
  std::vector<orders::OrderRecord> records(Tx&, const std::vector<std::string>&) const override { return {}; }
  std::vector<orders::OrderRecord> walk(Tx&, const orders::OrderWalk&) const override { return {}; }
  orders::PaidResult markPaid(Tx&, const std::string& id, const std::string&, const std::string&) override {
    std::lock_guard lock(mutex_);
    return paid_.insert(id).second ? orders::PaidResult::Paid : orders::PaidResult::AlreadyPaid;
  }
  void refundChanged(Tx&, const std::string& id, const orders::RefundProgress& p, const std::string&) override {
    std::lock_guard lock(mutex_);
    told_[id].push_back(std::string(orders::refundStateName(p.status)) + ":" + std::to_string(p.refunded));
  }
  std::vector<std::string> told(const std::string& id) {
    std::lock_guard lock(mutex_);
    return told_[id];
  }

 private:
  std::mutex mutex_;
  std::set<std::string> paid_;
  std::map<std::string, std::vector<std::string>> told_;
};

class PaymentBookTest : public agape::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_ = makeDatabase({{"payments", AGAPE_PAYMENTS_MIGRATIONS}}, 8);
    db_ = &database_->db();
    ctx_ = std::make_unique<agape::testing::TestContext>(
        agape::testing::TestContextOptions{.pluginId = "payments", .database = db_, .clock = &clock_});
    book_ = std::make_unique<PaymentBook>(clock_, ctx_->events(), ctx_->audit());
    book_->use(orders_);
  }
  void TearDown() override {
    book_.reset();
    ctx_.reset();
    database_.reset();
  }
  // A payment of order `orderId` that succeeded (the order's first: success; later ones: refund_due).
  std::string paidPayment(const std::string& orderId) {
    return db_->run([&](Tx& tx) {
      const Payment p = book_->create(tx, *orders_.find(tx, orderId), "u-ada", "paystack");
      book_->apply(tx, Charge{p.reference, "success", 3'250'000, "NGN", "1", "card", "2026-12-05T10:00:00Z"});
      return p.id;
    });
  }
  // Each ask a millisecond after the last: refunds are told apart by time.
  std::optional<Refund> ask(const std::string& paymentId, std::optional<std::int64_t> amount, const std::string& origin = "") {
    clock_.advance(1ms);
    return db_->run([&](Tx& tx) {
      return book_->createRefund(tx, RefundAsk{.paymentId = paymentId, .amount = amount, .reason = "test",
                                               .actor = "u-finance", .origin = origin});
    });
  }
  long long count(const std::string& sql) { return db_->read([&](Tx& tx) { return tx.one(sql)->integer("n"); }); }

  agape::testing::ManualClock clock_;
  std::unique_ptr<agape::testing::TestDatabase> database_;
  Database* db_ = nullptr;
  std::unique_ptr<agape::testing::TestContext> ctx_;
  FakeOrders orders_;
  std::unique_ptr<PaymentBook> book_;
};

TEST_P(PaymentBookTest, ARefundWithAnOriginIsWrittenOnceHoweverManyAskAtOnce) {
  const std::string payment = paidPayment("o-1");
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (ask(payment, std::nullopt, "order.cancelled:o-1")) ++written;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(written.load(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM payments_refunds"), 1);
  EXPECT_FALSE(ask(payment, std::nullopt, "order.cancelled:o-1")) << "asked again later: still once";
}

TEST_P(PaymentBookTest, TheOrderIsToldOfItsPaymentsRefundsOnly) {
  const std::string payment = paidPayment("o-1");
  const std::string duplicate = paidPayment("o-1");
  const Refund part = *ask(payment, 1'000'000);
  db_->run([&](Tx& tx) { book_->refundFailed(tx, part.id, "refused"); });
  const Refund again = *ask(payment, 1'000'000);
  db_->run([&](Tx& tx) { book_->refundAnswered(tx, again.id, RefundResult{"r-2", "processed"}); });
  const Refund rest = *ask(payment, std::nullopt);
  EXPECT_EQ(rest.amount, 2'250'000);
  EXPECT_EQ(rest.status, RefundStatus::Pending);
  EXPECT_EQ(rest.reference, db_->read([&](Tx& tx) { return book_->get(tx, payment)->reference; }));
  db_->run([&](Tx& tx) { book_->refundAnswered(tx, rest.id, RefundResult{"r-3", "processed"}); });
  EXPECT_EQ(orders_.told("o-1"), (std::vector<std::string>{"pending:0", "failed:0", "pending:0", "partial:1000000",
                                                           "pending:1000000", "refunded:3250000"}));
  // The duplicate's refund in full: the order hears nothing.
  const Refund back = *ask(duplicate, std::nullopt);
  db_->run([&](Tx& tx) { book_->refundAnswered(tx, back.id, RefundResult{"r-4", "processed"}); });
  EXPECT_EQ(orders_.told("o-1").size(), 6u);
}

TEST_P(PaymentBookTest, KeysAreForgottenAfterTheRetentionOnly) {
  db_->run([&](Tx& tx) {
    claimIdempotencyKey(tx, "payments_idempotency", "u-ada", "old", "h", book_->nowMs());
    book_->recordWebhook(tx, "charge.success:AGP-old", "charge.success", "{}");
  });
  clock_.advance(std::chrono::hours(24 * 7) + 1s);
  db_->run([&](Tx& tx) {
    claimIdempotencyKey(tx, "payments_idempotency", "u-ada", "new", "h", book_->nowMs());
    book_->recordWebhook(tx, "charge.success:AGP-new", "charge.success", "{}");
  });
  const long long cutoff = book_->nowMs() - 7LL * 24 * 3600 * 1000;
  EXPECT_EQ(db_->run([&](Tx& tx) { return book_->purge(tx, cutoff); }), 2);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM payments_idempotency WHERE idem_key = 'new'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM payments_webhook_events WHERE event_key = 'charge.success:AGP-new'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM payments_idempotency") + count("SELECT COUNT(*) AS n FROM payments_webhook_events"), 2);
}

AGAPE_DATABASE_TESTS(PaymentBookTest);

}  // namespace
}  // namespace agape::payments
