// Delivery tracking, the suppression list and the staff alerts against a
// real database (SQLite, and PostgreSQL when AGAPE_TEST_PG_URL is set):
// webhook messages applied once (also when raced), statuses that only move
// forward, suppressed addresses that get essential mail only, low-stock
// alerts at most once per interval however many events race, and the
// digest that lists each variant once.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <agape/secret_box.h>
#include <agape/testing/database_test.h>
#include <agape/testing/log_capture.h>
#include <agape/testing/manual_clock.h>
#include <agape/testing/test_context.h>

#include "delivery_book.h"
#include "delivery_tracker.h"
#include "staff_alerts.h"
#include "suppressions.h"

namespace agape::notifications {
namespace {

using namespace std::chrono_literals;

// One admin, whose address differs in case from the configured one.
class FakeUsers final : public auth::UserDirectory {
 public:
  std::optional<auth::UserSummary> findById(Tx&, const std::string&) const override { return std::nullopt; }
  std::optional<auth::UserSummary> findByEmail(Tx&, const std::string&) const override {
    return std::nullopt;
  }
  std::vector<auth::UserSummary> withRoles(Tx&, const std::vector<std::string>& roles,
                                           std::size_t) const override {
    for (const auto& r : roles)
      if (r == "admin")
        return {auth::UserSummary{"u-1", "Tolu@Adire.ng", "Tolu", "Ade", std::nullopt, {"admin"}, true}};
    return {};
  }
  std::map<std::string, std::string> emailsOf(Tx&, const std::vector<std::string>&) const override { return {}; }
};

class DeliveryTrackingTest : public agape::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_ = makeDatabase({{"notifications", AGAPE_NOTIFICATIONS_MIGRATIONS}}, 8);
    db_ = &database_->db();
    ctx_ = std::make_unique<agape::testing::TestContext>(
        agape::testing::TestContextOptions{.pluginId = "notifications", .database = db_, .clock = &clock_});
    book_ = std::make_unique<DeliveryBook>(*db_, ctx_->jobs(), clock_, mailer_, log_,
                                           ctx_->services().get<SecretBox>());
    tracker_ = std::make_unique<DeliveryTracker>(clock_, log_);
  }
  void TearDown() override {
    alerts_.reset();
    tracker_.reset();
    book_.reset();
    ctx_.reset();
    database_.reset();
  }
  void staff(bool digest) {
    StaffAlertsConfig c{.addresses = {"tolu@adire.ng", "stock@adire.ng"},
                        .roles = {"admin"},
                        .lowStockEvery = 24h,
                        .lowStockDigest = digest};
    alerts_ = std::make_unique<StaffAlerts>(c, *book_, clock_, log_, "Adire House");
    alerts_->use(&users_, nullptr);
  }
  // An order_paid email to `to`, sent through the outbox; its provider message id.
  std::string sent(const std::string& to, const std::string& event = "e-1") {
    db_->run([&](Tx& tx) { book_->record(tx, event, {"order_paid", to, "Receipt", "text", "<p>html</p>"}); });
    const std::string id = one("SELECT id AS v FROM notifications_deliveries WHERE event_id = :e",
                               {{"e", event}});
    book_->send(id);
    return "outbox-" + id;
  }
  TrackedEvent apply(const std::string& svixId, const std::string& type, const std::string& emailId,
                     const std::string& at, const Json& extra = Json::object()) {
    Json data = {{"email_id", emailId}, {"to", {"ada@example.ng"}}};
    data.update(extra);
    const Json event = {{"type", type}, {"created_at", at}, {"data", data}};
    return db_->run([&](Tx& tx) { return tracker_->apply(tx, svixId, event); });
  }
  std::string one(const std::string& sql, const Params& params = {}) {
    return db_->read([&](Tx& tx) { return tx.one(sql, params)->text("v"); });
  }
  long long count(const std::string& sql, const Params& params = {}) {
    return db_->read([&](Tx& tx) { return tx.one(sql, params)->integer("n"); });
  }
  std::string statusOf(const std::string& messageId) {
    return one("SELECT status AS v FROM notifications_deliveries WHERE provider_message_id = :m",
               {{"m", messageId}});
  }

  agape::testing::LogCapture log_;
  agape::testing::ManualClock clock_;
  OutboxMailer mailer_;
  FakeUsers users_;
  std::unique_ptr<agape::testing::TestDatabase> database_;
  Database* db_ = nullptr;
  std::unique_ptr<agape::testing::TestContext> ctx_;
  std::unique_ptr<DeliveryBook> book_;
  std::unique_ptr<DeliveryTracker> tracker_;
  std::unique_ptr<StaffAlerts> alerts_;
};

TEST_P(DeliveryTrackingTest, StatusesMoveForwardOnlyAndEachMessageOnce) {
  const std::string m = sent("ada@example.ng");
  EXPECT_EQ(statusOf(m), "sent");
  const auto delivered = apply("msg_1", "email.delivered", m, "2026-11-24T10:00:01.250Z");
  EXPECT_TRUE(delivered.known);
  EXPECT_FALSE(delivered.duplicate);
  EXPECT_EQ(statusOf(m), "delivered");
  EXPECT_TRUE(apply("msg_1", "email.delivered", m, "2026-11-24T10:00:01.250Z").duplicate);

  apply("msg_2", "email.bounced", m, "2026-11-24T10:00:05Z",
        {{"bounce", {{"type", "Permanent"}, {"subType", "General"}, {"message", "No such mailbox"}}}});
  EXPECT_EQ(statusOf(m), "bounced");
  EXPECT_EQ(one("SELECT last_error AS v FROM notifications_deliveries"),
            "Permanent/General: No such mailbox");
  // A late (redelivered, reordered) delivered event does not undo the bounce,
  // nor take the place of the latest event.
  apply("msg_3", "email.delivered", m, "2026-11-24T10:00:02Z");
  EXPECT_EQ(statusOf(m), "bounced");
  EXPECT_EQ(one("SELECT last_event AS v FROM notifications_deliveries"), "email.bounced");
  EXPECT_EQ(count("SELECT last_event_at AS n FROM notifications_deliveries"), 1'795'514'405'000);
  apply("msg_4", "email.opened", m, "2026-11-24T11:00:00Z");
  EXPECT_EQ(statusOf(m), "bounced");
  EXPECT_EQ(one("SELECT last_event AS v FROM notifications_deliveries"), "email.opened");

  EXPECT_EQ(one("SELECT reason AS v FROM notifications_suppressions WHERE address = 'ada@example.ng'"),
            "bounced");
  // An email this server did not send: recorded, nothing else.
  const auto unknown =
      apply("msg_5", "email.delivered", "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", "2026-11-24T10:00:00Z");
  EXPECT_FALSE(unknown.known);
  EXPECT_FALSE(unknown.duplicate);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_webhook_events"), 5);

  // A transient bounce is a bounce, not a reason to suppress; a complaint is.
  const std::string m2 = sent("bola@example.ng", "e-2");
  apply("msg_6", "email.bounced", m2, "2026-11-24T10:00:00Z", {{"bounce", {{"type", "Transient"}}}});
  EXPECT_EQ(statusOf(m2), "bounced");
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_suppressions WHERE address = 'bola@example.ng'"),
            0);
  const std::string m3 = sent("chi@example.ng", "e-3");
  apply("msg_7", "email.delivered", m3, "2026-11-24T10:00:00Z");
  apply("msg_8", "email.complained", m3, "2026-11-24T10:01:00Z");
  EXPECT_EQ(statusOf(m3), "complained");
  EXPECT_EQ(one("SELECT reason AS v FROM notifications_suppressions WHERE address = 'chi@example.ng'"),
            "complained");

  clock_.advance(8 * 24h);
  EXPECT_EQ(
      db_->run([&](Tx& tx) { return tracker_->purge(tx, epochMs(clock_.now()) - 7LL * 24 * 3600 * 1000); }),
      8);
}

TEST_P(DeliveryTrackingTest, ConcurrentDeliveriesOfOneMessageApplyOnce) {
  const std::string m = sent("ada@example.ng");
  std::atomic<int> fresh{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      const auto t = apply("msg_race", "email.complained", m, "2026-11-24T10:00:00Z");
      ++(t.duplicate ? duplicates : fresh);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(statusOf(m), "complained");
}

TEST_P(DeliveryTrackingTest, ASuppressedAddressGetsEssentialMailOnly) {
  db_->run([&](Tx& tx) { suppress(tx, "Ada@Example.ng", "complained", "spam", "d-1", 1'795'514'400'000); });
  db_->run([&](Tx& tx) {
    EXPECT_TRUE(book_->record(tx, "e-1", {"order_paid", "ada@example.ng", "Receipt", "t", "h"}));
    EXPECT_TRUE(book_->record(tx, "e-2", {"password_reset", "ADA@example.ng", "Reset", "t", "h"}));
    EXPECT_FALSE(book_->record(tx, "e-1", {"order_paid", "ada@example.ng", "Receipt", "t", "h"}));
  });
  EXPECT_EQ(one("SELECT status AS v FROM notifications_deliveries WHERE kind = 'order_paid'"), "suppressed");
  EXPECT_EQ(one("SELECT last_error AS v FROM notifications_deliveries WHERE kind = 'order_paid'"),
            "suppressed: the address complained on 2026-11-24T10:00:00Z (spam)");
  EXPECT_EQ(one("SELECT status AS v FROM notifications_deliveries WHERE kind = 'password_reset'"), "queued");
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM agape_jobs WHERE queue = 'notifications.send'"), 1);

  EXPECT_EQ(db_->read([&](Tx& tx) { return listSuppressions(tx, 1, 20); }).data.at(0).address,
            "ada@example.ng");
  EXPECT_TRUE(db_->run([&](Tx& tx) { return liftSuppression(tx, " ADA@example.ng"); }));
  EXPECT_FALSE(db_->run([&](Tx& tx) { return liftSuppression(tx, "ada@example.ng"); }));
  db_->run([&](Tx& tx) { book_->record(tx, "e-3", {"order_paid", "ada@example.ng", "Receipt", "t", "h"}); });
  EXPECT_EQ(one("SELECT status AS v FROM notifications_deliveries WHERE event_id = 'e-3'"), "queued");
}

TEST_P(DeliveryTrackingTest, LowStockAlertsTheStaffAtMostOncePerInterval) {
  staff(false);
  const inventory::InventoryLowStock low{.variantId = "v-1", .available = 4, .threshold = 5};
  // Eight events for one variant at once (each a crossing): one alert.
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back(
        [&, i] { db_->run([&](Tx& tx) { alerts_->lowStock(tx, "ev-" + std::to_string(i), low); }); });
  for (auto& t : threads) t.join();
  // The configured addresses and the admin's, each once.
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries WHERE kind = 'low_stock'"), 2);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT recipient) AS n FROM notifications_deliveries"), 2);
  EXPECT_EQ(one("SELECT subject AS v FROM notifications_deliveries WHERE recipient = 'stock@adire.ng'"),
            "Low stock: v-1");

  clock_.advance(23h);
  db_->run([&](Tx& tx) { alerts_->lowStock(tx, "ev-later", low); });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 2);
  db_->run([&](Tx& tx) {
    alerts_->lowStock(tx, "ev-other", inventory::InventoryLowStock{.variantId = "v-2", .available = 0, .threshold = 5});
  });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 4);
  clock_.advance(1h);
  db_->run([&](Tx& tx) { alerts_->lowStock(tx, "ev-next-day", low); });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 6);
  // The event delivered again: nothing more.
  db_->run([&](Tx& tx) { alerts_->lowStock(tx, "ev-next-day", low); });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 6);
}

TEST_P(DeliveryTrackingTest, TheDigestListsWhatWentLowOnce) {
  staff(true);
  db_->run([&](Tx& tx) {
    alerts_->lowStock(tx, "ev-1", inventory::InventoryLowStock{.variantId = "v-1", .available = 4, .threshold = 5});
    alerts_->lowStock(tx, "ev-2", inventory::InventoryLowStock{.variantId = "v-2", .available = 0, .threshold = 3});
    alerts_->lowStock(tx, "ev-3", inventory::InventoryLowStock{.variantId = "v-1", .available = 2, .threshold = 5});
  });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 0);
  EXPECT_EQ(db_->run([&](Tx& tx) { return alerts_->digest(tx); }), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries WHERE kind = 'low_stock_digest'"), 2);
  const std::string text =
      one("SELECT text_body AS v FROM notifications_deliveries WHERE recipient = 'stock@adire.ng'");
  EXPECT_NE(text.find("- Variant v-1: 2 available (threshold 5)"), std::string::npos) << text;
  EXPECT_NE(text.find("- Variant v-2: 0 available (threshold 3)"), std::string::npos) << text;
  EXPECT_EQ(db_->run([&](Tx& tx) { return alerts_->digest(tx); }), 0u);
  clock_.advance(1h);
  db_->run([&](Tx& tx) {
    alerts_->lowStock(tx, "ev-4", inventory::InventoryLowStock{.variantId = "v-2", .available = 1, .threshold = 3});
  });
  EXPECT_EQ(db_->run([&](Tx& tx) { return alerts_->digest(tx); }), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM notifications_deliveries"), 4);
}

AGAPE_DATABASE_TESTS(DeliveryTrackingTest);

}  // namespace
}  // namespace agape::notifications
