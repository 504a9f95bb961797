#include "coupon_book.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <agape/crypto.h>
#include <agape/money.h>
#include <agape/problem.h>

namespace agape::orders {
namespace {

constexpr const char* kColumns =
    "SELECT id, code, kind, value, max_discount, min_order, usage_limit, per_user_limit, starts_at, ends_at, active, "
    "times_used, version, created_at, updated_at FROM orders_coupons ";

Coupon couponOf(const Row& r) {
  const auto optTime = [&](const char* c) { return r.isNull(c) ? std::nullopt : std::optional(Timestamp{r.integer(c)}); };
  const auto kind = couponKindNames().find(r.text("kind"));
  if (!kind) throw std::runtime_error("orders: unknown coupon kind in the database: " + r.text("kind"));
  Coupon c;
  c.id = r.text("id");
  c.code = r.text("code");
  c.kind = *kind;
  c.value = r.integer("value");
  c.maxDiscount = r.optInteger("max_discount");
  c.minOrder = r.integer("min_order");
  c.usageLimit = r.optInteger("usage_limit");
  c.perUserLimit = r.optInteger("per_user_limit");
  c.startsAt = optTime("starts_at");
  c.endsAt = optTime("ends_at");
  c.active = r.integer("active") != 0;
  c.timesUsed = r.integer("times_used");
  c.version = r.integer("version");
  c.createdAt = Timestamp{r.integer("created_at")};
  c.updatedAt = Timestamp{r.integer("updated_at")};
  return c;
}

std::optional<long long> msOf(const std::optional<Timestamp>& t) {
  return t ? std::optional(t->ms) : std::nullopt;
}

// A patched value: the change's when given, else the row's.
template <class T>
std::optional<T> patched(const Patch<T>& p, std::optional<T> current) {
  return p.given ? p.value : current;
}

[[noreturn]] void invalid(const std::string& detail) { throw cart::CouponRefused(detail); }

}  // namespace

const Names<CouponKind>& couponKindNames() {
  static const Names<CouponKind> names{{CouponKind::Percent, "percent"}, {CouponKind::Fixed, "fixed"}};
  return names;
}

const Schema<Coupon>& couponSchema() {
  static const Schema<Coupon> schema =
      Schema<Coupon>()
          .field("id", &Coupon::id)
          .field("code", &Coupon::code, {.description = "3-32 of A-Z 0-9 - _, stored upper-case"})
          .field("kind", &Coupon::kind, couponKindNames())
          .field("value", &Coupon::value, {.description = "percent: 1-100; fixed: kobo off"})
          .field("maxDiscount", &Coupon::maxDiscount, {.description = "kobo, caps a percentage"})
          .field("minOrder", &Coupon::minOrder, {.description = "kobo of goods the cart must reach"})
          .field("usageLimit", &Coupon::usageLimit, {.description = "uses across all customers"})
          .field("perUserLimit", &Coupon::perUserLimit)
          .field("startsAt", &Coupon::startsAt)
          .field("endsAt", &Coupon::endsAt)
          .field("active", &Coupon::active)
          .field("timesUsed", &Coupon::timesUsed)
          .field("version", &Coupon::version)
          .field("createdAt", &Coupon::createdAt)
          .field("updatedAt", &Coupon::updatedAt);
  return schema;
}

std::optional<std::string> CouponBook::normalise(std::string_view code) {
  const auto first = code.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  code = code.substr(first, code.find_last_not_of(" \t") - first + 1);
  if (code.size() < 3 || code.size() > 32) return std::nullopt;
  std::string out;
  for (unsigned char c : code) {
    if (!std::isalnum(c) && c != '-' && c != '_') return std::nullopt;
    out += static_cast<char>(std::toupper(c));
  }
  return out;
}

cart::CouponDiscount CouponBook::evaluate(Tx& tx, const cart::CouponRequest& request) const {
  const auto code = normalise(request.code);
  const auto row = code ? tx.one(std::string(kColumns) + "WHERE code = :code",
                                 {{"code", *code}}) : std::nullopt;
  if (!row || row->integer("active") == 0) invalid("\"" + request.code + "\" is not a valid coupon.");
  const long long now = nowMs();
  if (!row->isNull("starts_at") && now < row->integer("starts_at")) invalid(*code + " is not valid yet.");
  if (!row->isNull("ends_at") && now >= row->integer("ends_at")) invalid(*code + " has expired.");
  const std::int64_t subtotal = request.cart ? request.cart->subtotal : 0;
  if (subtotal < row->integer("min_order"))
    invalid(*code + " needs an order of at least \u20a6" + formatMinorUnits(row->integer("min_order")) + ".");
  if (!row->isNull("usage_limit") && row->integer("times_used") >= row->integer("usage_limit"))
    invalid(*code + " has been used up.");
  if (request.userId && !row->isNull("per_user_limit")) {
    const long long mine = tx.one("SELECT COUNT(*) AS n FROM orders_coupon_redemptions WHERE coupon_id = :c AND user_id = :u",
                                  {{"c", row->text("id")}, {"u", *request.userId}})->integer("n");
    if (mine >= row->integer("per_user_limit")) invalid("You have already used " + *code + ".");
  }
  std::int64_t amount = row->integer("value");
  if (row->text("kind") == "percent") {
    amount = subtotal * row->integer("value") / 100;  // rounded down: never more than promised
    if (!row->isNull("max_discount")) amount = std::min<std::int64_t>(amount, row->integer("max_discount"));
  }
  return {*code, std::min(amount, subtotal)};
}

void CouponBook::redeem(Tx& tx, const std::string& code, const std::string& userId, const std::string& orderId,
                        std::int64_t amount) const {
  // The use is taken here, under the coupon row's lock: of concurrent orders
  // only as many as the limit allows get past this update.
  if (tx.exec("UPDATE orders_coupons SET times_used = times_used + 1 WHERE code = :code "
              "AND (usage_limit IS NULL OR times_used < usage_limit)",
              {{"code", code}}) == 0)
    invalid(code + " has been used up.");
  const auto c = tx.one("SELECT id, per_user_limit FROM orders_coupons WHERE code = :code", {{"code", code}});
  if (!c->isNull("per_user_limit")) {
    const long long mine = tx.one("SELECT COUNT(*) AS n FROM orders_coupon_redemptions WHERE coupon_id = :c AND user_id = :u",
                                  {{"c", c->text("id")}, {"u", userId}})->integer("n");
    if (mine >= c->integer("per_user_limit")) invalid("You have already used " + code + ".");
  }
  tx.exec("INSERT INTO orders_coupon_redemptions (order_id, coupon_id, user_id, amount, created_at) "
          "VALUES (:order, :coupon, :user, :amount, :now)",
          {{"order", orderId}, {"coupon", c->text("id")}, {"user", userId}, {"amount", amount},
           {"now", nowMs()}});
}

void CouponBook::release(Tx& tx, const std::string& orderId) const {
  const auto r = tx.one("SELECT coupon_id FROM orders_coupon_redemptions WHERE order_id = :order",
                        {{"order", orderId}});
  if (!r) return;
  tx.exec("DELETE FROM orders_coupon_redemptions WHERE order_id = :order", {{"order", orderId}});
  tx.exec("UPDATE orders_coupons SET times_used = times_used - 1 WHERE id = :id AND times_used > 0",
          {{"id", r->text("coupon_id")}});
}

std::optional<Coupon> CouponBook::get(Tx& tx, const std::string& id) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE id = :id", {{"id", id}});
  if (!r) return std::nullopt;
  return couponOf(*r);
}

Coupon CouponBook::create(Tx& tx, const NewCoupon& c, const std::string& actor) const {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  try {
    tx.exec("INSERT INTO orders_coupons (id, code, kind, value, max_discount, min_order, usage_limit, per_user_limit, "
            "starts_at, ends_at, active, times_used, version, created_at, updated_at) VALUES (:id, :code, :kind, "
            ":value, :max, :min, :usage, :perUser, :starts, :ends, :active, 0, 1, :now, :now)",
            {{"id", id}, {"code", c.code}, {"kind", couponKindNames().name(c.kind)}, {"value", c.value},
             {"max", c.maxDiscount}, {"min", c.minOrder}, {"usage", c.usageLimit}, {"perUser", c.perUserLimit},
             {"starts", msOf(c.startsAt)}, {"ends", msOf(c.endsAt)}, {"active", c.active}, {"now", now}});
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
    throw Problem(409, "duplicate", "A coupon with the code " + c.code + " exists.", {{"code", "is taken"}});
  }
  Coupon out = *get(tx, id);
  audit_.record(actor, "coupon.create", "coupon", id, couponSchema().encode(out), tx);
  return out;
}

Coupon CouponBook::update(Tx& tx, const std::string& id, const CouponChange& c, const std::string& actor) const {
  const auto row = tx.one(std::string(kColumns) + "WHERE id = :id" + forUpdate(tx), {{"id", id}});
  if (!row) throw Problem::notFound("No coupon with this id.");
  const Coupon was = couponOf(*row);
  if (c.version && *c.version != was.version)
    throw Problem(409, "version_conflict", "The coupon changed since you read it.",
                  {{"version", "is " + std::to_string(was.version) + " now"}});
  // The result must still make sense as a whole. Kind, value, minOrder and
  // active are never null (the route refuses it).
  const CouponKind kind = patched(c.kind, std::optional(was.kind)).value();
  const long long value = patched(c.value, std::optional(was.value)).value();
  const auto starts = msOf(patched(c.startsAt, was.startsAt));
  const auto ends = msOf(patched(c.endsAt, was.endsAt));
  const auto usageLimit = patched(c.usageLimit, was.usageLimit);
  std::vector<FieldError> errors;
  if (kind == CouponKind::Percent && value > 100) errors.push_back({"value", "a percentage is at most 100"});
  if (starts && ends && *starts >= *ends) errors.push_back({"endsAt", "must be after startsAt"});
  if (usageLimit && *usageLimit < was.timesUsed)
    errors.push_back({"usageLimit", "is below the " + std::to_string(was.timesUsed) + " uses already made"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  tx.exec("UPDATE orders_coupons SET kind = :kind, value = :value, max_discount = :max, min_order = :min, "
          "usage_limit = :usage, per_user_limit = :perUser, starts_at = :starts, ends_at = :ends, active = :active, "
          "version = version + 1, updated_at = :now WHERE id = :id",
          {{"kind", couponKindNames().name(kind)}, {"value", value},
           {"max", patched(c.maxDiscount, was.maxDiscount)},
           {"min", patched(c.minOrder, std::optional(was.minOrder)).value()}, {"usage", usageLimit},
           {"perUser", patched(c.perUserLimit, was.perUserLimit)}, {"starts", starts}, {"ends", ends},
           {"active", patched(c.active, std::optional(was.active)).value()}, {"now", nowMs()}, {"id", id}});
  Coupon out = *get(tx, id);
  audit_.record(actor, "coupon.update", "coupon", id, couponSchema().encode(out), tx);
  return out;
}

Page<Coupon> CouponBook::list(Tx& tx, int page, int limit) const {
  const long long total = tx.one("SELECT COUNT(*) AS n FROM orders_coupons")->integer("n");
  std::vector<Coupon> data;
  for (const auto& r : tx.query(std::string(kColumns) + "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                                {{"limit", static_cast<long long>(limit)},
                                 {"offset", static_cast<long long>(page - 1) * limit}}))
    data.push_back(couponOf(r));
  return Page<Coupon>(std::move(data), page, limit, total);
}

}  // namespace agape::orders
