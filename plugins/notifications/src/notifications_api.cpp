#include "notifications_api.h"

#include <agape/json.h>
#include <agape/problem.h>
#include <agape/text.h>
#include <agape/query.h>

#include "suppressions.h"

namespace agape::notifications {
namespace {

constexpr const char* kTag = "notifications";
const std::vector<std::string> kKinds = {"email_verification", "password_reset",   "password_changed",
                                         "order_paid",         "order_shipped",    "low_stock",
                                         "low_stock_digest",   "payments_attention"};
const std::vector<std::string> kStatuses = {"queued", "sent", "delivered", "bounced", "complained", "failed", "suppressed"};

std::string enumOf(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) out += (out.size() > 1 ? ",\"" : "\"") + v + "\"";
  return out + "]";
}

const std::string kDeliverySchema =
    R"({"type":"object","properties":{"id":{"type":"string"},"eventId":{"type":"string"},)"
    R"("kind":{"type":"string","enum":)" + enumOf(kKinds) + R"(},"to":{"type":"string"},"subject":{"type":"string"},)"
    R"("text":{"type":"string"},"status":{"type":"string","enum":)" + enumOf(kStatuses) + R"(},)"
    R"("provider":{"type":"string"},"providerMessageId":{"type":"string","nullable":true},"attempts":{"type":"integer"},)"
    R"("lastError":{"type":"string","nullable":true},"lastEvent":{"type":"string","nullable":true},)"
    R"("lastEventAt":{"type":"string","format":"date-time","nullable":true},)"
    R"("createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}})";

constexpr const char* kSuppressionSchema =
    R"({"type":"object","properties":{"address":{"type":"string"},)"
    R"("reason":{"type":"string","enum":["bounced","complained","provider"]},"detail":{"type":"string"},)"
    R"("deliveryId":{"type":"string","nullable":true},"createdAt":{"type":"string","format":"date-time"}}})";

std::string listOf(const std::string& item) {
  return R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)" + item +
         R"(},"meta":{"type":"object"}}})";
}

}  // namespace

void NotificationsApi::registerRoutes(Routes& routes) {
  routes.post("/v1/webhooks/resend", [this](Request& req) { return webhook(req); },
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
               .tag = kTag,
               .responseSchema = R"({"type":"object","properties":{"received":{"type":"boolean"},)"
                                 R"("duplicate":{"type":"boolean"}}})"});
  routes.get("/v1/admin/notifications", [this](Request& req) { return deliveries(req); },
             {.access = Access::Roles, .roles = {"admin"},
              .summary = "Email deliveries and their status, newest first",
              .description = "Bodies holding a one-time link (verification, reset) are not kept once sent through a "
                             "real provider. `delivered`, `bounced`, `complained` come from Resend's webhook "
                             "(`lastEvent`, `lastEventAt`: the latest it reported); `suppressed`: not sent, the "
                             "address is on the suppression list.",
              .tag = kTag,
              .responseSchema = listOf(kDeliverySchema),
              .query = withPages({{.name = "status", .description = "one status", .allowed = kStatuses},
                                  {.name = "kind", .description = "one kind of email", .allowed = kKinds}})});
  routes.get("/v1/admin/notifications/suppressions", [this](Request& req) { return suppressions(req); },
             {.access = Access::Roles, .roles = {"admin"},
              .summary = "Addresses that get no non-essential email, newest first",
              .description = "Put there by a permanent bounce, a complaint or Resend's own suppression. Receipts, "
                             "shipping notices and staff alerts to them are recorded `suppressed`; verification, "
                             "password reset and password-changed emails are still sent.",
              .tag = kTag,
              .responseSchema = listOf(kSuppressionSchema),
              .query = pageQuery()});
  routes.del("/v1/admin/notifications/suppressions/:address", [this](Request& req) { return liftSuppression(req); },
             {.access = Access::Roles, .roles = {"admin"},
              .summary = "Takes an address off the suppression list",
              .description = "Audited (`notification.suppression_lifted`). 404 when it is not on the list. Resend "
                             "keeps a suppression list of its own, which its dashboard manages.",
              .tag = kTag,
              .successStatus = 204});
}

Response NotificationsApi::webhook(const Request& req) {
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
  return jsonResponse({{"received", true}, {"duplicate", t.duplicate}});
}

Response NotificationsApi::deliveries(const Request& req) {
  QueryReader q(req, {"status", "kind", "page", "limit"});
  const auto status = q.choice("status", kStatuses);
  const auto kind = q.choice("kind", kKinds);
  const PageRequest page = q.page();
  q.finish();
  return jsonResponse(db_.read([&](Tx& tx) { return book_.list(tx, status, kind, page.page, page.limit); }));
}

Response NotificationsApi::suppressions(const Request& req) {
  QueryReader q(req, {"page", "limit"});
  const PageRequest page = q.page();
  q.finish();
  return jsonResponse(db_.read([&](Tx& tx) { return listSuppressions(tx, page.page, page.limit); }));
}

Response NotificationsApi::liftSuppression(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string address = normalizeAddress(std::string(req.requireParam("address")));
  db_.run([&](Tx& tx) {
    const auto lifted = notifications::liftSuppression(tx, address);
    if (!lifted) throw Problem::notFound("This address is not on the suppression list.");
    audit_.record(req.principal->id, "notification.suppression_lifted", "email_address", address, lifted->dump(), tx);
  });
  return Response::noContent();
}

}  // namespace agape::notifications
