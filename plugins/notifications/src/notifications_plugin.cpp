// The notifications plugin: the emails the other plugins' events call for
// (email verification, password reset and change from auth; the receipt and
// the shipping notice from orders; low stock from inventory and payments
// needing attention from payments, to the staff), each recorded once per
// event and recipient and sent by a durable job through Resend or kept in a
// local outbox; what Resend's webhook reports about them, and the
// suppression list it feeds; the admin's lists.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <agape/auth/events.h>
#include <agape/auth/user_directory.h>
#include <agape/catalog/variant_directory.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/inventory/events.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/orders/events.h>
#include <agape/payments/events.h>
#include <agape/plugin.h>
#include <agape/secret_box.h>
#include <agape/services.h>

#include "delivery_book.h"
#include "delivery_tracker.h"
#include "mailer.h"
#include "messages.h"
#include "notifications_api.h"
#include "notifications_config.h"
#include "staff_alerts.h"
#include "svix_signature.h"

namespace agape::notifications {
namespace {

constexpr const char* kDigestQueue = "notifications.low_stock_digest";
constexpr const char* kPurgeQueue = "notifications.purge";
// Svix retries a webhook for about 28 hours; its ids are kept well past that.
constexpr long long kWebhookIdsKeptMs = 7LL * 24 * 3600 * 1000;

class NotificationsPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeNotificationsConfig(section); }

  // An account event's one-time link arrives sealed (agape/secret_box.h);
  // opened here, in memory, for the email only.
  std::string openedLink(const auth::OneTimeLinkNotice& e) const {
    const auto link = e.userId.empty() ? std::nullopt : secrets_->open(e.sealedLink, "mail.link:" + e.userId);
    // Retried, then dead-lettered: a key missing on this instance is an operator's fix.
    if (!link) throw std::runtime_error("the event's sealed link does not open with this server's keys");
    return *link;
  }

  void provision(Context& ctx) override {
    if (config_.provider == "resend")
      mailer_ = std::make_unique<ResendMailer>(config_.baseUrl, config_.apiKey, config_.from, config_.replyTo,
                                               config_.timeout);
    else
      mailer_ = std::make_unique<OutboxMailer>();
    secrets_ = &ctx.services().get<SecretBox>();
    book_ = std::make_unique<DeliveryBook>(ctx.db(), ctx.jobs(), ctx.clock(), *mailer_, ctx.logger(), *secrets_);
    tracker_ = std::make_unique<DeliveryTracker>(ctx.clock(), ctx.logger());
    store_ = displayName(config_.from);
    alerts_ = std::make_unique<StaffAlerts>(config_.staffAlerts, *book_, ctx.clock(), ctx.logger(), store_);
    api_ = std::make_unique<NotificationsApi>(
        ctx.db(), ctx.audit(), ctx.clock(), *book_, *tracker_,
        config_.webhookSecret.empty() ? nullptr : std::make_unique<SvixVerifier>(config_.webhookSecret));
    api_->registerRoutes(ctx.routes());
    Database& db = ctx.db();

    ctx.jobs().handle(kSendQueue, [this](const Job& job) {
      const Json p = Json::parse(job.payload, nullptr, false);
      if (p.is_object() && p.contains("deliveryId") && p["deliveryId"].is_string()) book_->send(p["deliveryId"]);
    }, {.concurrency = 2, .lease = std::chrono::minutes(2)});

    const auto record = [this](const Event& e, const std::optional<Message>& m, Tx& tx) {
      if (m) book_->record(tx, e.id, *m);
    };
    ctx.events().subscribe(
        "user.*", "account-emails",
        EventSwitch()
            .on<auth::UserEmailVerificationRequested>([this, record](const auto& user, const Event& e, Tx& tx) {
              record(e, verificationMessage(user, openedLink(user), store_), tx);
            })
            .on<auth::UserPasswordResetRequested>([this, record](const auto& user, const Event& e, Tx& tx) {
              record(e, passwordResetMessage(user, openedLink(user), store_), tx);
            })
            .on<auth::UserPasswordChanged>([this, record](const auto& user, const Event& e, Tx& tx) {
              record(e, passwordChangedMessage(user, store_), tx);
            }));
    // Orders' events carry the customer's id: the address is looked up.
    const auto toCustomer = [this](const std::string& userId, const Event& e, Tx& tx, const auto& message) {
      if (!users_) return;
      const auto user = users_->findById(tx, userId);
      if (!user) return;
      if (const auto m = message(Customer{user->email, user->firstName})) book_->record(tx, e.id, *m);
    };
    ctx.events().subscribe(
        "order.*", "order-emails",
        EventSwitch()
            .on<orders::OrderPaid>([this, toCustomer](const orders::OrderPaid& order, const Event& e, Tx& tx) {
              toCustomer(order.userId, e, tx, [&](const Customer& c) {
                return receiptMessage(order, c, store_, config_.storefrontUrl);
              });
            })
            .on<orders::OrderShipped>([this, toCustomer](const orders::OrderShipped& order, const Event& e, Tx& tx) {
              toCustomer(order.userId, e, tx, [&](const Customer& c) {
                return shippedMessage(order, c, store_, config_.storefrontUrl);
              });
            }));

    // Staff alerts.
    ctx.events().subscribe<inventory::InventoryLowStock>(
        "low-stock-alerts", [this](const inventory::InventoryLowStock& low, const Event& e, Tx& tx) {
          alerts_->lowStock(tx, e.id, low);
        });
    ctx.events().subscribe<payments::PaymentsAttentionNeeded>(
        "payment-alerts", [this](const payments::PaymentsAttentionNeeded& report, const Event& e, Tx& tx) {
          // One email per run of payments' job, even if that run published twice.
          const std::string key = report.runId.empty() ? e.id : "payments.attention_needed:" + report.runId;
          alerts_->paymentsAttention(tx, key, report);
        });
    if (alerts_->digestMode()) {
      ctx.jobs().handle(kDigestQueue, [this, &db](const Job&) { db.run([&](Tx& tx) { alerts_->digest(tx); }); });
      ctx.jobs().schedule("low_stock_digest", "0 7 * * *", kDigestQueue, "{}");
    }

    ctx.jobs().handle(kPurgeQueue, [this, &db](const Job&) {
      db.run([&](Tx& tx) { tracker_->purge(tx, book_->nowMs() - kWebhookIdsKeptMs); });
    });
    ctx.jobs().schedule("purge", "41 4 * * *", kPurgeQueue, "{}");
  }

  void validate(Context& ctx) override {
    users_ = ctx.services().find<auth::UserDirectory>().get();
    alerts_->use(users_, ctx.services().find<catalog::VariantDirectory>().get());
  }

  void start(Context& ctx) override {
    ctx.logger().info("notifications provider", {{"provider", mailer_->name()}, {"from", config_.from}});
    if (!users_) ctx.logger().warn("notifications: auth is not enabled, so order emails have no recipient");
    if (config_.provider == "resend" && config_.webhookSecret.empty())
      ctx.logger().warn("notifications: no Resend webhook secret (notifications.resend.webhookSecret), so "
                        "deliveries are not tracked and bounced addresses are not suppressed");
  }

 private:
  NotificationsConfig config_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<DeliveryBook> book_;
  const SecretBox* secrets_ = nullptr;
  std::unique_ptr<DeliveryTracker> tracker_;
  std::unique_ptr<StaffAlerts> alerts_;
  std::unique_ptr<NotificationsApi> api_;
  std::string store_;
  const auth::UserDirectory* users_ = nullptr;
};

}  // namespace
}  // namespace agape::notifications

AGAPE_PLUGIN(agape::notifications::NotificationsPlugin, "notifications", "1.0.0", "?auth", "?orders", "?catalog")
