#include "orders_api.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/idempotency.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/query.h>

#include "invoice.h"

namespace agape::orders {
namespace {

constexpr const char* kTag = "orders";
const std::vector<std::string> kStaff = {"admin", "fulfilment", "finance"};
constexpr const char* kIdempotencyTable = "orders_idempotency";

bool isStaff(const Request& req) {
  for (const auto& r : kStaff)
    if (req.principal->hasRole(r)) return true;
  return false;
}

// The order, when the caller may see it; 404 otherwise (another customer's
// order is not admitted to exist).
Json visibleOrder(Tx& tx, const OrderBook& book, const Request& req, const std::string& id) {
  auto order = book.get(tx, id);
  if (!order || (!isStaff(req) && (*order)["userId"] != req.principal->id)) throw Problem::notFound("No order with this id.");
  return *order;
}

std::string checkedText(const Json& body, const std::string& prefix, const char* field, std::size_t min,
                        std::size_t max, std::vector<FieldError>& errors) {
  if (!body.contains(field) || body[field].is_null()) {
    if (min > 0) errors.push_back({prefix + field, "is required"});
    return {};
  }
  const Json& v = body[field];
  if (!v.is_string() || v.get_ref<const std::string&>().size() < min || v.get_ref<const std::string&>().size() > max) {
    errors.push_back({prefix + field, "must be a string of " + std::to_string(min) + " to " + std::to_string(max) +
                                          " characters"});
    return {};
  }
  return v.get<std::string>();
}

// The delivery address as stored: known fields only, Nigeria by default.
Json readAddress(const Json& body, std::vector<FieldError>& errors) {
  static const std::vector<std::string> kFields = {"fullName", "phone", "line1", "line2", "city", "state", "country",
                                                   "postalCode"};
  if (!body.contains("shippingAddress") || !body["shippingAddress"].is_object()) {
    errors.push_back({"shippingAddress", "is required: {fullName, phone, line1, line2?, city, state, country?, postalCode?}"});
    return {};
  }
  const Json& a = body["shippingAddress"];
  for (const auto& [key, _] : a.items())
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
      errors.push_back({"shippingAddress." + key, "is not a known field"});
  const std::string p = "shippingAddress.";
  Json out = {{"fullName", checkedText(a, p, "fullName", 1, 100, errors)},
              {"phone", checkedText(a, p, "phone", 7, 20, errors)},
              {"line1", checkedText(a, p, "line1", 1, 200, errors)},
              {"city", checkedText(a, p, "city", 1, 100, errors)},
              {"state", checkedText(a, p, "state", 1, 100, errors)}};
  if (const auto line2 = checkedText(a, p, "line2", 0, 200, errors); !line2.empty()) out["line2"] = line2;
  if (const auto postal = checkedText(a, p, "postalCode", 0, 20, errors); !postal.empty()) out["postalCode"] = postal;
  std::string country = checkedText(a, p, "country", 0, 2, errors);
  if (country.empty()) country = "NG";
  if (country.size() != 2 || !std::isupper(static_cast<unsigned char>(country[0])) ||
      !std::isupper(static_cast<unsigned char>(country[1])))
    errors.push_back({p + "country", "must be an ISO 3166-1 alpha-2 code such as NG"});
  out["country"] = country;
  const std::string phone = out["phone"];
  for (std::size_t i = 0; i < phone.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(phone[i])) && !(i == 0 && phone[i] == '+') && phone[i] != ' ') {
      errors.push_back({p + "phone", "must be digits, optionally after a +"});
      break;
    }
  return out;
}

constexpr const char* kOrderSchema =
    R"({"type":"object","required":["id","number","userId","status","items","totals","shippingMethod","shippingAddress",)"
    R"("couponCode","reservationExpiresAt","trackingNumber","version","createdAt","updatedAt"],"properties":{)"
    R"("id":{"type":"string"},"number":{"type":"string"},"userId":{"type":"string"},)"
    R"("status":{"type":"string","enum":["pending","paid","processing","shipped","delivered","cancelled","expired","refunded"]},)"
    R"("items":{"type":"array","items":{"type":"object","properties":{"variantId":{"type":"string"},"productId":{"type":"string"},)"
    R"("sku":{"type":"string"},"productName":{"type":"string"},"size":{"type":"string","nullable":true},)"
    R"("color":{"type":"string","nullable":true},"quantity":{"type":"integer"},"unitPrice":{"type":"integer"},"lineTotal":{"type":"integer"}}}},)"
    R"("totals":{"type":"object","properties":{"subtotal":{"type":"integer"},"discount":{"type":"integer"},"shipping":{"type":"integer"},)"
    R"("tax":{"type":"integer"},"total":{"type":"integer"},"currency":{"type":"string"},"taxInclusive":{"type":"boolean"}}},)"
    R"("shippingMethod":{"type":"string"},"shippingAddress":{"type":"object"},"couponCode":{"type":"string","nullable":true},)"
    R"("reservationExpiresAt":{"type":"string","format":"date-time","nullable":true,"description":"while pending: when the stock hold lapses"},)"
    R"("trackingNumber":{"type":"string","nullable":true},)"
    R"("refund":{"type":"object","nullable":true,"description":"the refund of the payment that paid it",)"
    R"("properties":{"status":{"type":"string","enum":["pending","partial","refunded","failed"]},)"
    R"("amount":{"type":"integer","description":"minor units given back so far"}}},)"
    R"("version":{"type":"integer"},)"
    R"("createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}})";

std::string pageSchema() {
  return std::string(R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)") +
         kOrderSchema +
         R"(},"meta":{"type":"object","properties":{"page":{"type":"integer"},"limit":{"type":"integer"},)"
         R"("total":{"type":"integer"},"totalPages":{"type":"integer"}}}}})";
}

}  // namespace

void OrdersApi::registerRoutes(Routes& routes) {
  routes.post("/v1/orders", [this](Request& req) { return place(req); },
              {.access = Access::Authenticated,
               .summary = "Places an order from the caller's cart",
               .description =
                   "One transaction: the cart is read (locked), priced and totalled, its stock reserved for "
                   "orders.reservationTtl (15 min), the order written `pending`, `order.created` published and the cart "
                   "emptied; any refusal leaves all of it as it was. 409 `out_of_stock` names the variants; 422 "
                   "`cart_empty`, `not_purchasable`, `coupon_invalid`; 429 `too_many_pending_orders` when the caller "
                   "already has orders.maxPendingOrders (3) pending, with Retry-After until the first of their holds "
                   "lapses; 403 `email_not_verified` when orders.requireVerifiedEmail is on (production). With an "
                   "`Idempotency-Key` header a retry with the same body gets the first response again, another body "
                   "409 `idempotency_mismatch`.",
               .tag = kTag,
               .requestSchema =
                   R"({"type":"object","required":["shippingAddress"],"additionalProperties":false,"properties":{)"
                   R"("shippingAddress":{"type":"object","required":["fullName","phone","line1","city","state"],"additionalProperties":false,)"
                   R"("properties":{"fullName":{"type":"string"},"phone":{"type":"string"},"line1":{"type":"string"},)"
                   R"("line2":{"type":"string"},"city":{"type":"string"},"state":{"type":"string"},)"
                   R"("country":{"type":"string","description":"ISO 3166-1 alpha-2, default NG"},"postalCode":{"type":"string"}}},)"
                   R"("shippingMethod":{"type":"string"},"couponCode":{"type":"string"}}})",
               .responseSchema = kOrderSchema, .successStatus = 201});
  routes.get("/v1/orders", [this](Request& req) { return list(req); },
             {.access = Access::Authenticated,
              .summary = "Orders, newest first: a customer's own, every order for staff",
              .description = "Staff (admin, fulfilment, finance) may filter by `userId`.",
              .tag = kTag, .responseSchema = pageSchema(),
              .query = withPages({{.name = "status", .description = "one status", .allowed = statusNames()},
                        {.name = "from", .description = "created at or after (RFC 3339 or YYYY-MM-DD)"},
                        {.name = "to", .description = "created before (RFC 3339 or YYYY-MM-DD)"},
                        {.name = "userId", .description = "staff only: one customer's orders"}})});
  routes.get("/v1/orders/stats", [this](Request& req) { return stats(req); },
             {.access = Access::Roles, .roles = {"admin", "finance"},
              .summary = "Order counts and revenue by status and per day, week or month",
              .description = "Over [from, to) of creation time (default: the last 30 days; at most 366 days). Revenue "
                             "counts paid, processing, shipped and delivered orders; averageOrderValue is revenue over "
                             "those orders. Periods are UTC days, ISO weeks from Monday, or calendar months.",
              .tag = kTag,
              .responseSchema = R"({"type":"object","required":["from","to","orders","revenue","byStatus","series"],"properties":{)"
                                R"("from":{"type":"string","format":"date-time"},"to":{"type":"string","format":"date-time"},)"
                                R"("currency":{"type":"string","nullable":true},"orders":{"type":"integer"},"revenue":{"type":"integer"},)"
                                R"("paidOrders":{"type":"integer"},"averageOrderValue":{"type":"integer"},"byStatus":{"type":"object"},)"
                                R"("period":{"type":"string"},"series":{"type":"array","items":{"type":"object","properties":{)"
                                R"("periodStart":{"type":"string","format":"date"},"orders":{"type":"integer"},"revenue":{"type":"integer"}}}}}})",
              .query = {{.name = "from", .description = "RFC 3339 time or date (default: 30 days before to)"},
                        {.name = "to", .description = "RFC 3339 time or date, exclusive (default: now)"},
                        {.name = "period", .description = "series granularity (default day)", .allowed = {"day", "week", "month"}}}});
  routes.get("/v1/orders/:id", [this](Request& req) { return get(req); },
             {.access = Access::Authenticated,
              .summary = "One order (its owner, or admin, fulfilment, finance)",
              .description = "404 for another customer's order.", .tag = kTag, .responseSchema = kOrderSchema});
  routes.get("/v1/orders/:id/invoice", [this](Request& req) { return invoice(req); },
             {.access = Access::Authenticated,
              .summary = "The order's invoice as a PDF (its owner, or admin, finance), once paid",
              .description = "409 `invalid_state` while the order is pending, cancelled or expired; 404 for another "
                             "customer's order; 403 for other staff.",
              .tag = kTag, .successContentType = "application/pdf"});
  routes.post("/v1/orders/:id/cancel", [this](Request& req) { return cancel(req); },
              {.access = Access::Authenticated,
               .summary = "Cancels an order: its owner while pending or paid, an admin while not shipped",
               .description = "A pending order's stock reservation is released; a paid order's units go back on the "
                              "shelf and `order.cancelled` makes the payments plugin refund its payment in full (the "
                              "order's `refund` shows the progress; it becomes `refunded` when the money is back). "
                              "409 `invalid_transition` otherwise; 404 for another customer's order; 403 for staff "
                              "other than admin (fulfilment, finance).",
               .tag = kTag,
               .requestSchema = R"({"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":500}}})",
               .responseSchema = kOrderSchema});
  routes.patch("/v1/orders/:id/status", [this](Request& req) { return setStatus(req); },
               {.access = Access::Roles, .roles = {"admin", "fulfilment"},
                .summary = "Moves an order along its life (staff)",
                .description = "Only legal transitions: pending→paid→processing→shipped→delivered, "
                               "pending→cancelled/expired, paid/processing→cancelled, paid…delivered→refunded; else 409 "
                               "`invalid_transition`. Fulfilment may set processing, shipped and delivered; admin any. "
                               "`trackingNumber` only with shipped; `version` → 409 `version_conflict` when stale. Audited.",
                .tag = kTag,
                .requestSchema = R"({"type":"object","required":["status"],"additionalProperties":false,"properties":{)"
                                 R"("status":{"type":"string"},"trackingNumber":{"type":"string","maxLength":100},)"
                                 R"("reason":{"type":"string","maxLength":500},"version":{"type":"integer"}}})",
                .responseSchema = kOrderSchema});
}

Response OrdersApi::place(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"shippingAddress", "shippingMethod", "couponCode"});
  std::vector<FieldError> errors;
  PlaceInput in;
  in.userId = req.principal->id;
  in.shippingAddress = readAddress(body, errors);
  in.shippingMethod = checkedText(body, "", "shippingMethod", 0, 40, errors);
  if (auto coupon = checkedText(body, "", "couponCode", 0, 64, errors); !coupon.empty()) in.couponCode = coupon;
  const auto key = req.header("Idempotency-Key");
  if (key) checkIdempotencyKey(*key);
  if (!errors.empty()) throw Problem::validation(std::move(errors));

  const std::string requestHash = sha256Hex(body.dump());
  return ctx_.db().run([&](Tx& tx) {
    // A replay answers as the first request did, whatever holds now; a
    // refusal below rolls the claim back, so the key may be used again.
    if (key)
      if (auto first = claimIdempotencyKey(tx, kIdempotencyTable, in.userId, std::string(*key), requestHash, book_.nowMs()))
        return *first;
    if (users_) refuseUnverifiedEmail(tx, in.userId);
    // Before any stock is touched: the usual refusal costs one read.
    refuseOverPendingCap(tx, in.userId, 0);
    Response r = jsonResponse(book_.place(tx, in), 201);
    // place() locked the caller's cart (CartService::checkout), and a user
    // has one cart, so one user's checkouts queue there. The count above may
    // predate an order another checkout committed while this one waited;
    // under the lock this one cannot (and SQLite runs writers one at a time).
    refuseOverPendingCap(tx, in.userId, 1);
    if (key) storeIdempotentResponse(tx, kIdempotencyTable, in.userId, std::string(*key), r);
    return r;
  });
}

void OrdersApi::refuseUnverifiedEmail(Tx& tx, const std::string& userId) const {
  const auto user = users_->findById(tx, userId);
  if (!user || !user->emailVerified)
    throw Problem(403, "email_not_verified",
                  "Verify your email address before placing an order: follow the link in the email sent when you "
                  "registered.");
}

void OrdersApi::refuseOverPendingCap(Tx& tx, const std::string& userId, int placed) const {
  const int cap = book_.config().maxPendingOrders;
  if (cap == 0) return;
  const long long now = book_.nowMs();
  // Only live holds count: a pending order whose hold lapsed keeps no stock,
  // even before the expiry sweep marks it expired.
  const auto row = tx.one(
      "SELECT COUNT(*) AS n, MIN(reservation_expires_at) AS first_expiry FROM orders_orders "
      "WHERE user_id = :user AND status = 'pending' AND reservation_expires_at > :now",
      {{"user", userId}, {"now", now}});
  const long long pending = row ? row->integer("n") - placed : 0;
  if (pending < cap) return;
  const long long retryAfter = std::max<long long>(1, (row->integer("first_expiry") - now + 999) / 1000);
  throw Problem(429, "too_many_pending_orders",
                "You have " + std::to_string(pending) + " unpaid orders holding stock, the most allowed at once: pay "
                "or cancel one of them to place another (or wait " + std::to_string(retryAfter) +
                " s for the oldest to expire).")
      .withHeader("Retry-After", std::to_string(retryAfter));
}

Response OrdersApi::get(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string id(req.requireParam("id"));
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return visibleOrder(tx, book_, req, id); }));
}

Response OrdersApi::invoice(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string id(req.requireParam("id"));
  const Json order = ctx_.db().read([&](Tx& tx) { return visibleOrder(tx, book_, req, id); });
  if (order["userId"] != req.principal->id && !req.principal->hasRole("admin") && !req.principal->hasRole("finance"))
    throw Problem::forbidden("Invoices are for the customer, admin and finance.");
  const std::string status = order["status"];
  if (status == "pending" || status == "cancelled" || status == "expired")
    throw Problem(409, "invalid_state", "An order that is " + status + " has no invoice; it comes with the payment.");
  Response r = Response::text(renderInvoice(order, book_.config().storeName), "application/pdf");
  r.headers.set("Content-Disposition", "inline; filename=\"invoice-" + order["number"].get<std::string>() + ".pdf\"");
  return r;
}

Response OrdersApi::list(const Request& req) {
  QueryReader q(req, {"status", "from", "to", "userId", "page", "limit"});
  ListFilter f;
  if (auto s = q.choice("status", statusNames())) f.status = parseStatus(*s);
  f.fromMs = q.time("from");
  f.toMs = q.time("to");
  const auto userId = q.text("userId", 100);
  const PageRequest page = q.page();
  f.page = page.page;
  f.limit = page.limit;
  if (!isStaff(req)) {
    if (userId && *userId != req.principal->id) q.fail("userId", "only staff may list other customers' orders");
    f.userId = req.principal->id;
  } else if (userId) {
    f.userId = *userId;
  }
  q.finish();
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return book_.list(tx, f); }));
}

Response OrdersApi::stats(const Request& req) {
  QueryReader q(req, {"from", "to", "period"});
  StatsQuery s;
  s.period = q.choice("period", {"day", "week", "month"}).value_or("day");
  const auto from = q.time("from");
  const auto to = q.time("to");
  constexpr long long kDayMs = 86'400'000;
  s.toMs = to.value_or(book_.nowMs());
  s.fromMs = from.value_or(s.toMs - 30 * kDayMs);
  if (q.ok() && s.fromMs >= s.toMs) q.fail("to", "must be after from");
  if (q.ok() && s.toMs - s.fromMs > 366 * kDayMs) q.fail("from", "the range is at most 366 days");
  q.finish();
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return book_.stats(tx, s); }));
}

Response OrdersApi::cancel(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = req.body.empty() ? Json::object() : parseJsonObject(req, {"reason"});
  std::vector<FieldError> errors;
  const std::string reason = checkedText(body, "", "reason", 0, 500, errors);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const std::string id(req.requireParam("id"));
  return jsonResponse(ctx_.db().run([&](Tx& tx) {
    const Json order = visibleOrder(tx, book_, req, id);
    const bool admin = req.principal->hasRole("admin");
    // Staff who may see an order (fulfilment, finance) may not cancel a
    // customer's order: that takes the customer or an admin.
    if (!admin && order["userId"] != req.principal->id)
      throw Problem::forbidden("Only the order's customer or an admin may cancel it.");
    const std::string status = order["status"];
    if (!admin && status != "pending" && status != "paid")
      throw Problem(409, "invalid_transition",
                    "An order that is " + status + " can no longer be cancelled by its customer; contact the store.",
                    {{"status", "is " + status}});
    Change c{.to = Status::Cancelled, .actor = req.principal->id};
    if (!reason.empty()) c.reason = reason;
    return book_.change(tx, id, c);
  }));
}

Response OrdersApi::setStatus(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"status", "trackingNumber", "reason", "version"});
  std::vector<FieldError> errors;
  Change c{.actor = req.principal->id};
  const std::string to = checkedText(body, "", "status", 1, 20, errors);
  if (!to.empty()) {
    if (auto s = parseStatus(to)) c.to = *s;
    else errors.push_back({"status", "must be one of pending, paid, processing, shipped, delivered, cancelled, expired, refunded"});
  }
  if (auto t = checkedText(body, "", "trackingNumber", 0, 100, errors); !t.empty()) c.trackingNumber = t;
  if (auto r = checkedText(body, "", "reason", 0, 500, errors); !r.empty()) c.reason = r;
  if (body.contains("version")) {
    if (!body["version"].is_number_integer()) errors.push_back({"version", "must be an integer"});
    else c.expectedVersion = body["version"].get<long long>();
  }
  if (errors.empty() && c.trackingNumber && c.to != Status::Shipped)
    errors.push_back({"trackingNumber", "is only accepted with status shipped"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const bool fulfilmentOnly = !req.principal->hasRole("admin");
  if (fulfilmentOnly && c.to != Status::Processing && c.to != Status::Shipped && c.to != Status::Delivered)
    throw Problem::forbidden("Fulfilment may set processing, shipped and delivered; other changes need an admin.");
  const std::string id(req.requireParam("id"));
  return jsonResponse(ctx_.db().run([&](Tx& tx) { return book_.change(tx, id, c); }));
}

}  // namespace agape::orders
