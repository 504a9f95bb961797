#include "coupon_book.h"

#include <algorithm>
#include <cctype>

#include <agape/crypto.h>
#include <agape/money.h>
#include <agape/problem.h>

namespace agape::orders {
namespace {

constexpr const char* kColumns =
    "SELECT id, code, kind, value, max_discount, min_order, usage_limit, per_user_limit, starts_at, ends_at, active, "
    "times_used, version, created_at, updated_at FROM orders_coupons ";

Json optInt(const Row& r, const char* c) { return r.isNull(c) ? Json(nullptr) : Json(r.integer(c)); }
Json optTime(const Row& r, const char* c) { return r.isNull(c) ? Json(nullptr) : Json(rfc3339(r.integer(c))); }

Json couponJson(const Row& r) {
  return {{"id", r.text("id")},
          {"code", r.text("code")},
          {"kind", r.text("kind")},
          {"value", r.integer("value")},
          {"maxDiscount", optInt(r, "max_discount")},
          {"minOrder", r.integer("min_order")},
          {"usageLimit", optInt(r, "usage_limit")},
          {"perUserLimit", optInt(r, "per_user_limit")},
          {"startsAt", optTime(r, "starts_at")},
          {"endsAt", optTime(r, "ends_at")},
          {"active", r.integer("active") != 0},
          {"timesUsed", r.integer("times_used")},
          {"version", r.integer("version")},
          {"createdAt", rfc3339(r.integer("created_at"))},
          {"updatedAt", rfc3339(r.integer("updated_at"))}};
}

[[noreturn]] void invalid(const std::string& detail) {
  throw Problem(422, "coupon_invalid", detail, {{"couponCode", detail}});
}

}  // namespace

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

std::optional<Json> CouponBook::get(Tx& tx, const std::string& id) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE id = :id", {{"id", id}});
  if (!r) return std::nullopt;
  return couponJson(*r);
}

Json CouponBook::create(Tx& tx, const CouponFields& f, const std::string& actor) const {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  try {
  tx.exec("INSERT INTO orders_coupons (id, code, kind, value, max_discount, min_order, usage_limit, per_user_limit, "
          "starts_at, ends_at, active, times_used, version, created_at, updated_at) VALUES (:id, :code, :kind, :value, "
          ":max, :min, :usage, :perUser, :starts, :ends, :active, 0, 1, :now, :now)",
          {{"id", id}, {"code", *f.code}, {"kind", *f.kind}, {"value", *f.value},
           {"max", f.maxDiscount.value_or(std::nullopt)}, {"min", f.minOrder.value_or(0)},
           {"usage", f.usageLimit.value_or(std::nullopt)}, {"perUser", f.perUserLimit.value_or(std::nullopt)},
           {"starts", f.startsAt.value_or(std::nullopt)}, {"ends", f.endsAt.value_or(std::nullopt)},
           {"active", f.active.value_or(true)}, {"now", now}});
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
    throw Problem(409, "duplicate", "A coupon with the code " + *f.code + " exists.", {{"code", "is taken"}});
  }
  Json out = *get(tx, id);
  audit_.record(actor, "coupon.create", "coupon", id, out.dump(), tx);
  return out;
}

Json CouponBook::update(Tx& tx, const std::string& id, const CouponFields& f, std::optional<long long> expectedVersion,
                        const std::string& actor) const {
  const auto row = tx.one(std::string(kColumns) + "WHERE id = :id" + forUpdate(tx), {{"id", id}});
  if (!row) throw Problem::notFound("No coupon with this id.");
  if (expectedVersion && *expectedVersion != row->integer("version"))
    throw Problem(409, "version_conflict", "The coupon changed since you read it.",
                  {{"version", "is " + std::to_string(row->integer("version")) + " now"}});
  // The result must still make sense as a whole.
  const std::string kind = f.kind.value_or(row->text("kind"));
  const long long value = f.value.value_or(row->integer("value"));
  const auto rowOpt = [&](const char* c) { return row->isNull(c) ? std::optional<long long>() : row->integer(c); };
  const auto starts = f.startsAt ? *f.startsAt : rowOpt("starts_at");
  const auto ends = f.endsAt ? *f.endsAt : rowOpt("ends_at");
  const auto usageLimit = f.usageLimit ? *f.usageLimit : rowOpt("usage_limit");
  std::vector<FieldError> errors;
  if (kind == "percent" && value > 100) errors.push_back({"value", "a percentage is at most 100"});
  if (starts && ends && *starts >= *ends) errors.push_back({"endsAt", "must be after startsAt"});
  if (usageLimit && *usageLimit < row->integer("times_used"))
    errors.push_back({"usageLimit", "is below the " + std::to_string(row->integer("times_used")) + " uses already made"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  tx.exec("UPDATE orders_coupons SET kind = :kind, value = :value, max_discount = :max, min_order = :min, "
          "usage_limit = :usage, per_user_limit = :perUser, starts_at = :starts, ends_at = :ends, active = :active, "
          "version = version + 1, updated_at = :now WHERE id = :id",
          {{"kind", kind}, {"value", value}, {"max", f.maxDiscount ? *f.maxDiscount : rowOpt("max_discount")},
           {"min", f.minOrder.value_or(row->integer("min_order"))}, {"usage", usageLimit},
           {"perUser", f.perUserLimit ? *f.perUserLimit : rowOpt("per_user_limit")}, {"starts", starts},
           {"ends", ends}, {"active", f.active.value_or(row->integer("active") != 0)}, {"now", nowMs()},
           {"id", id}});
  Json out = *get(tx, id);
  audit_.record(actor, "coupon.update", "coupon", id, out.dump(), tx);
  return out;
}

Json CouponBook::list(Tx& tx, int page, int limit) const {
  const long long total = tx.one("SELECT COUNT(*) AS n FROM orders_coupons")->integer("n");
  Json data = Json::array();
  for (const auto& r : tx.query(std::string(kColumns) + "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                                {{"limit", static_cast<long long>(limit)},
                                 {"offset", static_cast<long long>(page - 1) * limit}}))
    data.push_back(couponJson(r));
  return pageJson(std::move(data), page, limit, total);
}

}  // namespace agape::orders
