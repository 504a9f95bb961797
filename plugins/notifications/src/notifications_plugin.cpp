// The notifications plugin: the emails the other plugins' events call for
// (email verification, password reset and change from auth; the receipt and
// the shipping notice from orders), each recorded once per event and sent by
// a durable job through Resend or kept in a local outbox; the admin's list.
#include <memory>

#include <agape/auth/user_directory.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/plugin.h>
#include <agape/query.h>
#include <agape/services.h>

#include "delivery_book.h"
#include "mailer.h"
#include "messages.h"
#include "notifications_config.h"

namespace agape::notifications {
namespace {

const std::vector<std::string> kKinds = {"email_verification", "password_reset", "password_changed", "order_paid",
                                         "order_shipped"};

class NotificationsPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeNotificationsConfig(section); }

  void provision(Context& ctx) override {
    if (config_.provider == "resend")
      mailer_ = std::make_unique<ResendMailer>(config_.baseUrl, config_.apiKey, config_.from, config_.replyTo,
                                               config_.timeout);
    else
      mailer_ = std::make_unique<OutboxMailer>();
    book_ = std::make_unique<DeliveryBook>(ctx.db(), ctx.jobs(), ctx.clock(), *mailer_, ctx.logger());
    store_ = displayName(config_.from);
    Database& db = ctx.db();

    ctx.jobs().handle(kSendQueue, [this](const Job& job) {
      const Json p = Json::parse(job.payload, nullptr, false);
      if (p.is_object() && p.contains("deliveryId") && p["deliveryId"].is_string()) book_->send(p["deliveryId"]);
    }, {.concurrency = 2, .lease = std::chrono::minutes(2)});

    ctx.events().subscribe("user.*", "account-emails", [this, &db](const Event& e) {
      const auto m = accountMessage(e.topic, Json::parse(e.payload, nullptr, false), store_);
      if (m) db.run([&](Tx& tx) { book_->record(tx, e.id, *m); });
    });
    ctx.events().subscribe("order.*", "order-emails", [this, &db](const Event& e) {
      if (e.topic != "order.paid" && e.topic != "order.shipped") return;
      const Json p = Json::parse(e.payload, nullptr, false);
      if (!p.is_object() || !p.contains("userId") || !p["userId"].is_string() || !users_) return;
      db.run([&](Tx& tx) {
        const auto user = users_->findById(tx, p["userId"].get<std::string>());
        if (!user) return;
        const auto m = orderMessage(e.topic, p, user->email, user->firstName, store_, config_.storefrontUrl);
        if (m) book_->record(tx, e.id, *m);
      });
    });

    ctx.routes().get("/v1/admin/notifications", [this, &ctx](Request& req) {
      QueryReader q(req, {"status", "kind", "page", "limit"});
      const auto status = q.choice("status", {"queued", "sent", "failed"});
      const auto kind = q.choice("kind", kKinds);
      const PageRequest page = q.page();
      q.finish();
      return jsonResponse(ctx.db().read([&](Tx& tx) { return book_->list(tx, status, kind, page.page, page.limit); }));
    }, {.access = Access::Roles, .roles = {"admin"},
        .summary = "Email deliveries and their status, newest first",
        .description = "Bodies holding a one-time link (verification, reset) are not kept once sent through a real "
                       "provider.",
        .tag = "notifications",
        .responseSchema = R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)"
                          R"({"type":"object","properties":{"id":{"type":"string"},"eventId":{"type":"string"},)"
                          R"("kind":{"type":"string"},"to":{"type":"string"},"subject":{"type":"string"},"text":{"type":"string"},)"
                          R"("status":{"type":"string","enum":["queued","sent","failed"]},"provider":{"type":"string"},)"
                          R"("providerMessageId":{"type":"string","nullable":true},"attempts":{"type":"integer"},)"
                          R"("lastError":{"type":"string","nullable":true},"createdAt":{"type":"string","format":"date-time"},)"
                          R"("updatedAt":{"type":"string","format":"date-time"}}}},"meta":{"type":"object"}}})",
        .query = withPages({{.name = "status", .description = "one status", .allowed = {"queued", "sent", "failed"}},
                            {.name = "kind", .description = "one kind of email", .allowed = kKinds}})});
  }

  void validate(Context& ctx) override { users_ = ctx.services().find<auth::UserDirectory>().get(); }

  void start(Context& ctx) override {
    ctx.logger().info("notifications provider", {{"provider", mailer_->name()}, {"from", config_.from}});
    if (!users_) ctx.logger().warn("notifications: auth is not enabled, so order emails have no recipient");
  }

 private:
  NotificationsConfig config_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<DeliveryBook> book_;
  std::string store_;
  const auth::UserDirectory* users_ = nullptr;
};

}  // namespace
}  // namespace agape::notifications

AGAPE_PLUGIN(agape::notifications::NotificationsPlugin, "notifications", "1.0.0", "?auth", "?orders")
