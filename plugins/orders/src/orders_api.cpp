#include "orders_api.h"

#include <algorithm>

#include <agape/contract.h>
#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/idempotency.h>
#include <agape/problem.h>
#include <agape/roles.h>


namespace agape::orders {

// --- the wire ---------------------------------------------------------------

struct PlaceOrder {
  Address shippingAddress;
  std::string shippingMethod;
  std::optional<std::string> couponCode;
};
struct ListQuery {
  std::optional<Status> status;
  std::optional<Timestamp> from, to;
  std::optional<std::string> userId;
  int page = 1;
  int limit = 20;
};
struct StatsRange {
  std::optional<Timestamp> from, to;
  Period period = Period::Day;
};
struct CancelOrder {
  std::optional<std::string> reason;
};
struct StatusChange {
  Status status = Status::Pending;
  std::optional<std::string> trackingNumber;
  std::optional<std::string> reason;
  std::optional<long long> version;
};

namespace {

constexpr const char* kTag = "orders";
constexpr const char* kIdempotencyTable = "orders_idempotency";
constexpr long long kDayMs = 86'400'000;

const std::vector<std::string> kStaff = {std::string(roles::admin), std::string(roles::fulfilment),
                                         std::string(roles::finance)};

bool isStaff(const Principal& p) {
  return std::any_of(kStaff.begin(), kStaff.end(), [&](const auto& r) { return p.hasRole(r); });
}

const Schema<PlaceOrder> kPlaceOrder =
    Schema<PlaceOrder>()
        .field("shippingAddress", &PlaceOrder::shippingAddress, addressSchema())
        .field("shippingMethod", &PlaceOrder::shippingMethod,
               {.optional = true, .maxLength = 40, .description = "a method of cart.shipping (default: the first)"})
        .field("couponCode", &PlaceOrder::couponCode, {.optional = true, .maxLength = 64});

const Schema<ListQuery> kListQuery = [] {
  Schema<ListQuery> q;
  q.field("status", &ListQuery::status, orderStatusNames(), {.optional = true, .description = "one status"})
      .field("from", &ListQuery::from, {.optional = true, .description = "created at or after (RFC 3339 or YYYY-MM-DD)"})
      .field("to", &ListQuery::to, {.optional = true, .description = "created before (RFC 3339 or YYYY-MM-DD)"})
      .field("userId", &ListQuery::userId,
             {.optional = true, .maxLength = 100, .description = "staff only: one customer's orders"});
  return withPages(q);
}();

const Schema<StatsRange> kStatsRange =
    Schema<StatsRange>()
        .field("from", &StatsRange::from,
               {.optional = true, .description = "RFC 3339 time or date (default: 30 days before to)"})
        .field("to", &StatsRange::to, {.optional = true, .description = "RFC 3339 time or date, exclusive (default: now)"})
        .field("period", &StatsRange::period, periodNames(),
               {.optional = true, .description = "series granularity (default day)"});

const Schema<CancelOrder> kCancelOrder =
    Schema<CancelOrder>().field("reason", &CancelOrder::reason, {.optional = true, .maxLength = 500});

const Schema<StatusChange> kStatusChange =
    Schema<StatusChange>()
        .field("status", &StatusChange::status, orderStatusNames())
        .field("trackingNumber", &StatusChange::trackingNumber,
               {.optional = true, .maxLength = 100, .description = "only with shipped"})
        .field("reason", &StatusChange::reason, {.optional = true, .maxLength = 500})
        .field("version", &StatusChange::version,
               {.optional = true, .description = "the version read: 409 version_conflict when it moved"})
        .check([](const StatusChange& c, std::vector<FieldError>& errors) {
          if (c.trackingNumber && !c.trackingNumber->empty() && c.status != Status::Shipped)
            errors.push_back({"trackingNumber", "is only accepted with status shipped"});
        });

// "" from a form means "not given".
std::optional<std::string> given(const std::optional<std::string>& s) {
  return s && !s->empty() ? s : std::nullopt;
}

}  // namespace

void OrdersApi::registerRoutes(Routes& routes) {
  routes.post("/v1/orders", Contract().body(kPlaceOrder).returns(orderSchema()),
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
               .tag = kTag, .successStatus = 201},
              [this](Call<PlaceOrder>& call) { return place(call); });
  routes.get("/v1/orders", Contract().query(kListQuery).returns(pageSchema(orderSchema())),
             {.access = Access::Authenticated,
              .summary = "Orders, newest first: a customer's own, every order for staff",
              .description = "Staff (admin, fulfilment, finance) may filter by `userId`.", .tag = kTag},
             [this](Call<None, ListQuery>& call) { return list(call); });
  routes.get("/v1/orders/stats", Contract().query(kStatsRange).returns(orderStatsSchema()),
             {.access = Access::Roles, .roles = {std::string(roles::admin), std::string(roles::finance)},
              .summary = "Order counts and revenue by status and per day, week or month",
              .description = "Over [from, to) of creation time (default: the last 30 days; at most 366 days). Revenue "
                             "counts paid, processing, shipped and delivered orders; averageOrderValue is revenue over "
                             "those orders. Periods are UTC days, ISO weeks from Monday, or calendar months.",
              .tag = kTag},
             [this](Call<None, StatsRange>& call) { return stats(call); });
  routes.get("/v1/orders/:id", Contract().returns(orderSchema()),
             {.access = Access::Owner, .roles = kStaff,
              .summary = "One order (its owner, or admin, fulfilment, finance)",
              .description = "404 for another customer's order.", .tag = kTag},
             [this](Call<>& call) {
               return ctx_.db().read([&](Tx& tx) { return visible(tx, call); });
             });
  routes.get("/v1/orders/:id/invoice", Contract(),
             {.access = Access::Owner, .roles = kStaff,
              .summary = "The order's invoice as a PDF (its owner, or admin, finance), once paid",
              .description = "409 `invalid_state` while the order is pending, cancelled or expired; 404 for another "
                             "customer's order; 403 for other staff.",
              .tag = kTag, .successContentType = "application/pdf"},
             [this](Call<>& call) { return invoice(call); });
  routes.get("/v1/orders/:id/credit-note", Contract(),
             {.access = Access::Owner, .roles = kStaff,
              .summary = "A refunded order's credit note as a PDF (its owner, or admin, finance)",
              .description = "The invoice's lines and totals, credited in full, dated by the refund. 409 "
                             "`invalid_state` until the order is refunded; 404 for another customer's order; 403 for "
                             "other staff.",
              .tag = kTag, .successContentType = "application/pdf"},
             [this](Call<>& call) { return creditNote(call); });
  routes.post("/v1/orders/:id/cancel", Contract().body(kCancelOrder).returns(orderSchema()),
              {.access = Access::Owner, .roles = kStaff,
               .summary = "Cancels an order: its owner while pending or paid, an admin while not shipped",
               .description = "A pending order's stock reservation is released; a paid order's units go back on the "
                              "shelf and `order.cancelled` makes the payments plugin refund its payment in full (the "
                              "order's `refund` shows the progress; it becomes `refunded` when the money is back). "
                              "The body is optional. 409 `invalid_transition` otherwise; 404 for another customer's "
                              "order; 403 for staff other than admin (fulfilment, finance).",
               .tag = kTag},
              [this](Call<CancelOrder>& call) { return cancel(call); });
  routes.patch("/v1/orders/:id/status", Contract().body(kStatusChange).returns(orderSchema()),
               {.access = Access::Roles, .roles = {std::string(roles::admin), std::string(roles::fulfilment)},
                .summary = "Moves an order along its life (staff)",
                .description = "Only legal transitions: pending→paid→processing→shipped→delivered, "
                               "pending→cancelled/expired, paid/processing→cancelled, paid…delivered→refunded; else 409 "
                               "`invalid_transition`. Fulfilment may set processing, shipped and delivered; admin any. "
                               "`trackingNumber` only with shipped; `version` → 409 `version_conflict` when stale. Audited.",
                .tag = kTag},
               [this](Call<StatusChange>& call) { return setStatus(call); });
}

template <class C>
Order OrdersApi::visible(Tx& tx, C& call) const {
  auto order = book_.get(tx, std::string(call.param("id")));
  if (!order) throw Problem::notFound("No order with this id.");
  call.authorizeOwner(order->userId, "No order with this id.");
  return std::move(*order);
}

Response OrdersApi::place(Call<PlaceOrder>& call) {
  PlaceOrder& body = call.body;
  const auto key = call.request.header("Idempotency-Key");
  if (key) checkIdempotencyKey(*key);
  PlaceInput in;
  in.userId = call.principal().id;
  in.shippingAddress = std::move(body.shippingAddress);
  in.shippingAddress.line2 = given(in.shippingAddress.line2);
  in.shippingAddress.postalCode = given(in.shippingAddress.postalCode);
  in.shippingMethod = body.shippingMethod;
  in.couponCode = given(body.couponCode);
  // The request as decoded, so a retry that only spaces its JSON
  // differently is the same request.
  const std::string requestHash = sha256Hex(kPlaceOrder.encode(PlaceOrder{in.shippingAddress, in.shippingMethod, in.couponCode}));
  try {
    return placeOnce(in, key, requestHash);
  } catch (const inventory::OutOfStock& e) {
    // The stock was asked for the cart's lines, in their order.
    throw inventory::outOfStock(e, [](std::size_t i) { return "items[" + std::to_string(i) + "].quantity"; });
  } catch (const cart::CouponRefused& e) {
    throw cart::couponProblem(e, "couponCode");
  } catch (const cart::UnknownShippingMethod& e) {
    throw cart::shippingProblem(e, "shippingMethod");
  }
}

Response OrdersApi::placeOnce(const PlaceInput& in, const std::optional<std::string_view>& key,
                              const std::string& requestHash) {
  return ctx_.db().run([&](Tx& tx) {
    // A replay answers as the first request did, whatever holds now; a
    // refusal below rolls the claim back, so the key may be used again.
    if (key)
      if (auto first = claimIdempotencyKey(tx, kIdempotencyTable, in.userId, std::string(*key), requestHash, book_.nowMs()))
        return *first;
    if (users_) refuseUnverifiedEmail(tx, in.userId);
    Response r = Response::json(orderSchema().encode(book_.place(tx, in)), 201);
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

Order OrdersApi::documentOwner(Call<>& call) const {
  const Order order = ctx_.db().read([&](Tx& tx) { return visible(tx, call); });
  // Fulfilment sees the order to ship it, not its invoice.
  const Principal& who = call.principal();
  if (!call.isOwner() && !who.hasRole(roles::admin) && !who.hasRole(roles::finance))
    throw Problem::forbidden("Invoices and credit notes are for the customer, admin and finance.");
  return order;
}

Response OrdersApi::pdf(std::string body, const std::string& fileName) {
  Response r = Response::text(std::move(body), "application/pdf");
  r.headers.set("Content-Disposition", "inline; filename=\"" + fileName + "\"");
  return r;
}

Response OrdersApi::invoice(Call<>& call) {
  const Order order = documentOwner(call);
  if (order.status == Status::Pending || order.status == Status::Cancelled || order.status == Status::Expired)
    throw Problem(409, "invalid_state", std::string("An order that is ") + statusName(order.status) +
                                            " has no invoice; it comes with the payment.");
  return pdf(invoices_.of(order), "invoice-" + order.number + ".pdf");
}

Response OrdersApi::creditNote(Call<>& call) {
  const Order order = documentOwner(call);
  if (order.status != Status::Refunded)
    throw Problem(409, "invalid_state", std::string("An order that is ") + statusName(order.status) +
                                            " has no credit note; it comes with the refund.");
  return pdf(invoices_.creditNoteOf(order), "credit-note-" + order.number + ".pdf");
}

Page<Order> OrdersApi::list(Call<None, ListQuery>& call) {
  const ListQuery& q = call.query;
  const Principal& who = call.principal();
  ListFilter f{.status = q.status, .page = q.page, .limit = q.limit};
  if (q.from) f.fromMs = q.from->ms;
  if (q.to) f.toMs = q.to->ms;
  if (!isStaff(who)) {
    if (q.userId && *q.userId != who.id)
      throw Problem::validation({{"userId", "only staff may list other customers' orders"}});
    f.userId = who.id;
  } else {
    f.userId = q.userId;
  }
  return ctx_.db().read([&](Tx& tx) { return book_.list(tx, f); });
}

OrderStats OrdersApi::stats(Call<None, StatsRange>& call) {
  const StatsRange& q = call.query;
  StatsQuery s{.period = q.period};
  s.toMs = q.to ? q.to->ms : book_.nowMs();
  s.fromMs = q.from ? q.from->ms : s.toMs - 30 * kDayMs;
  if (s.fromMs >= s.toMs) throw Problem::validation({{"to", "must be after from"}});
  if (s.toMs - s.fromMs > 366 * kDayMs) throw Problem::validation({{"from", "the range is at most 366 days"}});
  return ctx_.db().read([&](Tx& tx) { return book_.stats(tx, s); });
}

Order OrdersApi::cancel(Call<CancelOrder>& call) {
  const Principal& who = call.principal();
  return ctx_.db().run([&](Tx& tx) {
    const Order order = visible(tx, call);
    const bool admin = who.hasRole(roles::admin);
    // Staff who may see an order (fulfilment, finance) may not cancel a
    // customer's order: that takes the customer or an admin.
    if (!admin && !call.isOwner()) throw Problem::forbidden("Only the order's customer or an admin may cancel it.");
    const std::string status = statusName(order.status);
    if (!admin && order.status != Status::Pending && order.status != Status::Paid)
      throw Problem(409, "invalid_transition",
                    "An order that is " + status + " can no longer be cancelled by its customer; contact the store.",
                    {{"status", "is " + status}});
    return book_.change(tx, order.id, Change{.to = Status::Cancelled, .actor = who.id, .reason = given(call.body.reason)});
  });
}

Order OrdersApi::setStatus(Call<StatusChange>& call) {
  const StatusChange& body = call.body;
  const Principal& who = call.principal();
  if (!who.hasRole(roles::admin) && body.status != Status::Processing && body.status != Status::Shipped &&
      body.status != Status::Delivered)
    throw Problem::forbidden("Fulfilment may set processing, shipped and delivered; other changes need an admin.");
  const Change c{.to = body.status, .actor = who.id, .expectedVersion = body.version,
                 .trackingNumber = given(body.trackingNumber), .reason = given(body.reason)};
  const std::string id(call.param("id"));
  return ctx_.db().run([&](Tx& tx) { return book_.change(tx, id, c); });
}

}  // namespace agape::orders
