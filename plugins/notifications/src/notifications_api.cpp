#include "notifications_api.h"

#include <agape/contract.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/roles.h>
#include <agape/text.h>

#include "suppressions.h"

namespace agape::notifications {
namespace {

constexpr const char* kTag = "notifications";
const std::vector<std::string> kKinds = {"email_verification", "password_reset",   "password_changed",
                                         "order_paid",         "order_shipped",    "low_stock",
                                         "low_stock_digest",   "payments_attention"};
const std::vector<std::string> kStatuses = {"queued", "sent", "delivered", "bounced", "complained", "failed", "suppressed"};
const std::vector<std::string> kAdmins = {std::string(roles::admin)};

struct WebhookReceipt {
  bool received = true;
  bool duplicate = false;
};
struct DeliveryQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> status;
  std::optional<std::string> kind;
};
struct PageQuery {
  int page = 1;
  int limit = 20;
};

Schema<Delivery> deliverySchema() {
  return Schema<Delivery>()
      .field("id", &Delivery::id)
      .field("eventId", &Delivery::eventId)
      .field("kind", &Delivery::kind, {.oneOf = kKinds})
      .field("to", &Delivery::to)
      .field("subject", &Delivery::subject)
      .field("text", &Delivery::text)
      .field("status", &Delivery::status, {.oneOf = kStatuses})
      .field("provider", &Delivery::provider)
      .field("providerMessageId", &Delivery::providerMessageId)
      .field("attempts", &Delivery::attempts)
      .field("lastError", &Delivery::lastError)
      .field("lastEvent", &Delivery::lastEvent)
      .field("lastEventAt", &Delivery::lastEventAt)
      .field("createdAt", &Delivery::createdAt)
      .field("updatedAt", &Delivery::updatedAt);
}

Schema<Suppression> suppressionSchema() {
  return Schema<Suppression>()
      .field("address", &Suppression::address)
      .field("reason", &Suppression::reason, {.oneOf = {"bounced", "complained", "provider"}})
      .field("detail", &Suppression::detail)
      .field("deliveryId", &Suppression::deliveryId)
      .field("createdAt", &Suppression::createdAt);
}

}  // namespace

void NotificationsApi::registerRoutes(Routes& routes) {
  routes.post("/v1/webhooks/resend",
              Contract().returns(Schema<WebhookReceipt>()
                                     .field("received", &WebhookReceipt::received)
                                     .field("duplicate", &WebhookReceipt::duplicate)),
              {.rateLimitClass = "none", .consumes = {},
               .summary = "Resend's webhook: what became of the emails it took",
               .description = "Signed by Svix: `svix-signature` must hold a `v1,` HMAC-SHA256 of "
                              "`<svix-id>.<svix-timestamp>.<raw body>` with the key of "
                              "notifications.resend.webhookSecret, and `svix-timestamp` be within 5 minutes of now "
                              "(else 401 `invalid_signature`, nothing recorded). Each svix-id is applied once: a "
                              "redelivery is 200 `{\"duplicate\": true}`. `email.delivered`, `email.bounced`, "
                              "`email.complained`, `email.failed` and `email.suppressed` move the delivery with that "
                              "Resend id forward (never back); a permanent bounce or a complaint puts the address on "
                              "the suppression list. Other events are recorded; an unknown email id is ignored.",
               .tag = kTag},
              [this](Call<>& call) { return WebhookReceipt{true, webhook(call.request)}; });
  Schema<DeliveryQuery> deliveryQuery;
  withPages(deliveryQuery)
      .field("status", &DeliveryQuery::status, {.oneOf = kStatuses, .description = "one status"})
      .field("kind", &DeliveryQuery::kind, {.oneOf = kKinds, .description = "one kind of email"});
  routes.get("/v1/admin/notifications", Contract().query(deliveryQuery).returns(pageSchema(deliverySchema())),
             {.access = Access::Roles, .roles = kAdmins,
              .summary = "Email deliveries and their status, newest first",
              .description = "Bodies holding a one-time link (verification, reset) are not kept once sent through a "
                             "real provider. `delivered`, `bounced`, `complained` come from Resend's webhook "
                             "(`lastEvent`, `lastEventAt`: the latest it reported); `suppressed`: not sent, the "
                             "address is on the suppression list.",
              .tag = kTag},
             [this](Call<None, DeliveryQuery>& call) {
               const auto& q = call.query;
               return db_.read([&](Tx& tx) { return book_.list(tx, q.status, q.kind, q.page, q.limit); });
             });
  Schema<PageQuery> pageQuery;
  withPages(pageQuery);
  routes.get("/v1/admin/notifications/suppressions", Contract().query(pageQuery).returns(pageSchema(suppressionSchema())),
             {.access = Access::Roles, .roles = kAdmins,
              .summary = "Addresses that get no non-essential email, newest first",
              .description = "Put there by a permanent bounce, a complaint or Resend's own suppression. Receipts, "
                             "shipping notices and staff alerts to them are recorded `suppressed`; verification, "
                             "password reset and password-changed emails are still sent.",
              .tag = kTag},
             [this](Call<None, PageQuery>& call) {
               return db_.read([&](Tx& tx) { return listSuppressions(tx, call.query.page, call.query.limit); });
             });
  routes.del("/v1/admin/notifications/suppressions/:address", Contract(),
             {.access = Access::Roles, .roles = kAdmins,
              .summary = "Takes an address off the suppression list",
              .description = "Audited (`notification.suppression_lifted`). 404 when it is not on the list. Resend "
                             "keeps a suppression list of its own, which its dashboard manages.",
              .tag = kTag},
             [this](Call<>& call) {
               const std::string address = normalizeAddress(std::string(call.param("address")));
               db_.run([&](Tx& tx) {
                 const auto lifted = notifications::liftSuppression(tx, address);
                 if (!lifted) throw Problem::notFound("This address is not on the suppression list.");
                 audit_.record(call.principal().id, "notification.suppression_lifted", "email_address", address,
                               suppressionSchema().encode(*lifted), tx);
               });
             });
}

bool NotificationsApi::webhook(const Request& req) {
  if (!verifier_)
    throw Problem::unauthorized("The webhook signature cannot be checked: no signing secret is configured.",
                                "invalid_signature");
  const long long now = epochMs(clock_.now()) / 1000;
  switch (verifier_->verify(req.header("svix-id"), req.header("svix-timestamp"), req.header("svix-signature"), req.body,
                            now)) {
    case SvixVerifier::Result::Valid: break;
    case SvixVerifier::Result::Missing:
      throw Problem::unauthorized("svix-id, svix-timestamp and svix-signature are required.", "invalid_signature");
    case SvixVerifier::Result::StaleTimestamp:
      throw Problem::unauthorized("svix-timestamp is more than 5 minutes from now.", "invalid_signature");
    case SvixVerifier::Result::NoMatch:
      throw Problem::unauthorized("The webhook signature does not match.", "invalid_signature");
  }
  const std::string svixId(*req.header("svix-id"));
  if (svixId.size() > 200 || !isCleanText(svixId)) throw Problem::badRequest("svix-id is too long or not text.");
  const Json event = Json::parse(req.body, nullptr, false);
  if (!event.is_object() || !event.contains("type") || !event["type"].is_string())
    throw Problem::badRequest("A webhook is {\"type\": ..., \"data\": {...}}.");
  const TrackedEvent t = db_.run([&](Tx& tx) { return tracker_.apply(tx, svixId, event); });
  return t.duplicate;
}

}  // namespace agape::notifications
