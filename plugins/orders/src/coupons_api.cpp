#include "coupons_api.h"

#include <agape/db.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/query.h>

#include "orders_api.h"

namespace agape::orders {
namespace {

constexpr const char* kTag = "coupons";
constexpr long long kMaxAmount = 100'000'000'000;  // ₦1bn in kobo

constexpr const char* kCouponProperties =
    R"("code":{"type":"string","description":"3-32 of A-Z 0-9 - _, stored upper-case"},)"
    R"("kind":{"type":"string","enum":["percent","fixed"]},)"
    R"("value":{"type":"integer","minimum":1,"description":"percent: 1-100; fixed: kobo off"},)"
    R"("maxDiscount":{"type":"integer","nullable":true,"description":"kobo, caps a percentage"},)"
    R"("minOrder":{"type":"integer","minimum":0,"description":"kobo of goods the cart must reach"},)"
    R"("usageLimit":{"type":"integer","nullable":true,"description":"uses across all customers"},)"
    R"("perUserLimit":{"type":"integer","nullable":true},)"
    R"("startsAt":{"type":"string","format":"date-time","nullable":true},)"
    R"("endsAt":{"type":"string","format":"date-time","nullable":true},"active":{"type":"boolean"})";

std::string couponSchema() {
  return std::string(R"({"type":"object","properties":{"id":{"type":"string"},)") + kCouponProperties +
         R"(,"timesUsed":{"type":"integer"},"version":{"type":"integer"},"createdAt":{"type":"string","format":"date-time"},)"
         R"("updatedAt":{"type":"string","format":"date-time"}}})";
}

// Reads the fields present in `body` into `f`, collecting errors.
void readFields(const Json& body, CouponFields& f, std::vector<FieldError>& errors) {
  auto integer = [&](const char* name, long long min, long long max) -> std::optional<long long> {
    const Json& v = body[name];
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
      errors.push_back({name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max)});
      return std::nullopt;
    }
    return v.get<long long>();
  };
  auto nullableInt = [&](const char* name, std::optional<std::optional<long long>>& out) {
    if (!body.contains(name)) return;
    if (body[name].is_null()) out = std::optional<long long>();
    else if (auto v = integer(name, 1, kMaxAmount)) out = v;
  };
  auto nullableTime = [&](const char* name, std::optional<std::optional<long long>>& out) {
    if (!body.contains(name)) return;
    if (body[name].is_null()) {
      out = std::optional<long long>();
      return;
    }
    const auto t = body[name].is_string() ? parseTime(body[name].get<std::string>()) : std::nullopt;
    if (!t) errors.push_back({name, "must be an RFC 3339 time (2026-12-01T00:00:00Z), a date, or null"});
    else out = t;
  };
  if (body.contains("code")) {
    const auto c = body["code"].is_string() ? CouponBook::normalise(body["code"].get<std::string>()) : std::nullopt;
    if (!c) errors.push_back({"code", "must be 3 to 32 of A-Z, 0-9, - and _"});
    else f.code = c;
  }
  if (body.contains("kind")) {
    if (body["kind"] != "percent" && body["kind"] != "fixed") errors.push_back({"kind", "must be percent or fixed"});
    else f.kind = body["kind"].get<std::string>();
  }
  if (body.contains("value")) f.value = integer("value", 1, kMaxAmount);
  if (body.contains("minOrder")) f.minOrder = integer("minOrder", 0, kMaxAmount);
  nullableInt("maxDiscount", f.maxDiscount);
  nullableInt("usageLimit", f.usageLimit);
  nullableInt("perUserLimit", f.perUserLimit);
  nullableTime("startsAt", f.startsAt);
  nullableTime("endsAt", f.endsAt);
  if (body.contains("active")) {
    if (!body["active"].is_boolean()) errors.push_back({"active", "must be true or false"});
    else f.active = body["active"].get<bool>();
  }
}

}  // namespace

void CouponsApi::registerRoutes(Routes& routes) {
  const std::string fields = std::string("{") + kCouponProperties + "}";
  routes.post("/v1/coupons", [this](Request& req) { return create(req); },
              {.access = Access::Roles, .roles = {"admin"},
               .summary = "Creates a coupon",
               .description = "409 `duplicate` for a code in use. Audited.", .tag = kTag,
               .requestSchema = R"({"type":"object","required":["code","kind","value"],"additionalProperties":false,"properties":)" +
                                fields + "}",
               .responseSchema = couponSchema(), .successStatus = 201});
  routes.get("/v1/coupons", [this](Request& req) { return list(req); },
             {.access = Access::Roles, .roles = {"admin"}, .summary = "Coupons, newest first", .tag = kTag,
              .responseSchema = R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)" +
                                couponSchema() + R"(},"meta":{"type":"object"}}})",
              .query = pageQuery()});
  routes.patch("/v1/coupons/:id", [this](Request& req) { return update(req); },
               {.access = Access::Roles, .roles = {"admin"},
                .summary = "Changes a coupon (not its code)",
                .description = "`version` → 409 `version_conflict` when stale; `usageLimit` cannot drop below the uses "
                               "made. Audited.",
                .tag = kTag,
                .requestSchema = R"({"type":"object","additionalProperties":false,"properties":)" +
                                 std::string("{") + kCouponProperties + R"(,"version":{"type":"integer"}}})",
                .responseSchema = couponSchema()});
}

Response CouponsApi::create(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"code", "kind", "value", "maxDiscount", "minOrder", "usageLimit",
                                          "perUserLimit", "startsAt", "endsAt", "active"});
  std::vector<FieldError> errors;
  CouponFields f;
  readFields(body, f, errors);
  for (const char* required : {"code", "kind", "value"})
    if (!body.contains(required)) errors.push_back({required, "is required"});
  if (f.kind == "percent" && f.value && *f.value > 100) errors.push_back({"value", "a percentage is at most 100"});
  if (f.startsAt && f.endsAt && *f.startsAt && *f.endsAt && **f.startsAt >= **f.endsAt)
    errors.push_back({"endsAt", "must be after startsAt"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return jsonResponse(ctx_.db().run([&](Tx& tx) { return book_.create(tx, f, req.principal->id); }), 201);
}

Response CouponsApi::list(const Request& req) {
  QueryReader q(req, {"page", "limit"});
  const PageRequest page = q.page();
  q.finish();
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return book_.list(tx, page.page, page.limit); }));
}

Response CouponsApi::update(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"code", "kind", "value", "maxDiscount", "minOrder", "usageLimit",
                                          "perUserLimit", "startsAt", "endsAt", "active", "version"});
  std::vector<FieldError> errors;
  CouponFields f;
  readFields(body, f, errors);
  if (body.contains("code")) errors.push_back({"code", "cannot be changed; create another coupon"});
  std::optional<long long> version;
  if (body.contains("version")) {
    if (!body["version"].is_number_integer()) errors.push_back({"version", "must be an integer"});
    else version = body["version"].get<long long>();
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const std::string id(req.requireParam("id"));
  return jsonResponse(ctx_.db().run([&](Tx& tx) { return book_.update(tx, id, f, version, req.principal->id); }));
}

}  // namespace agape::orders
