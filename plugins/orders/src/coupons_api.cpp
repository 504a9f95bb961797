#include "coupons_api.h"

#include <agape/contract.h>
#include <agape/db.h>
#include <agape/problem.h>
#include <agape/roles.h>

namespace agape::orders {
namespace {

constexpr const char* kTag = "coupons";
constexpr long long kMaxAmount = 100'000'000'000;  // ₦1bn in kobo

const std::vector<std::string> kAdmins = {std::string(roles::admin)};

struct PageQuery {
  int page = 1;
  int limit = 20;
};

std::string codeProblem(const std::string& code) {
  return CouponBook::normalise(code) ? "" : "must be 3 to 32 of A-Z, 0-9, - and _";
}

// The rules a new coupon and a change share.
template <class C>
Schema<C> couponFields(Schema<C> s) {
  // A change may clear a limit or a date (null), never these four.
  return s.field("kind", &C::kind, couponKindNames(), {.refuseNull = true})
      .field("value", &C::value,
             {.refuseNull = true, .min = 1, .max = kMaxAmount, .description = "percent: 1-100; fixed: kobo off"})
      .field("maxDiscount", &C::maxDiscount,
             {.optional = true, .min = 1, .max = kMaxAmount, .description = "kobo, caps a percentage"})
      .field("minOrder", &C::minOrder,
             {.optional = true,
              .refuseNull = true,
              .min = 0,
              .max = kMaxAmount,
              .description = "kobo of goods the cart must reach"})
      .field("usageLimit", &C::usageLimit,
             {.optional = true, .min = 1, .max = kMaxAmount, .description = "uses across all customers"})
      .field("perUserLimit", &C::perUserLimit, {.optional = true, .min = 1, .max = kMaxAmount})
      .field("startsAt", &C::startsAt, {.optional = true})
      .field("endsAt", &C::endsAt, {.optional = true})
      .field("active", &C::active, {.optional = true, .refuseNull = true});
}

const Schema<NewCoupon> kNewCoupon =
    couponFields(Schema<NewCoupon>().field(
                     "code", &NewCoupon::code,
                     {.verify = codeProblem, .description = "3-32 of A-Z 0-9 - _, stored upper-case"}))
        .check([](const NewCoupon& c, std::vector<FieldError>& errors) {
          if (c.kind == CouponKind::Percent && c.value > 100) errors.push_back({"value", "a percentage is at most 100"});
          if (c.startsAt && c.endsAt && c.startsAt->ms >= c.endsAt->ms)
            errors.push_back({"endsAt", "must be after startsAt"});
        });

const Schema<CouponChange> kCouponChange =
    couponFields(Schema<CouponChange>())
        .field("version", &CouponChange::version,
               {.optional = true, .description = "the version read: 409 version_conflict when it moved"});

const Schema<PageQuery> kPageQuery = [] {
  Schema<PageQuery> q;
  return withPages(q);
}();

}  // namespace

void CouponsApi::registerRoutes(Routes& routes) {
  routes.post("/v1/coupons", Contract().body(kNewCoupon).returns(couponSchema()),
              {.access = Access::Roles, .roles = kAdmins,
               .summary = "Creates a coupon",
               .description = "409 `duplicate` for a code in use. Audited.", .tag = kTag, .successStatus = 201},
              [this](Call<NewCoupon>& call) {
                NewCoupon c = std::move(call.body);
                c.code = *CouponBook::normalise(c.code);
                return ctx_.db().run([&](Tx& tx) { return book_.create(tx, c, call.principal().id); });
              });
  routes.get("/v1/coupons", Contract().query(kPageQuery).returns(pageSchema(couponSchema())),
             {.access = Access::Roles, .roles = kAdmins, .summary = "Coupons, newest first", .tag = kTag},
             [this](Call<None, PageQuery>& call) {
               return ctx_.db().read([&](Tx& tx) { return book_.list(tx, call.query.page, call.query.limit); });
             });
  routes.patch("/v1/coupons/:id", Contract().body(kCouponChange).returns(couponSchema()),
               {.access = Access::Roles, .roles = kAdmins,
                .summary = "Changes a coupon (not its code)",
                .description = "Null clears a limit or a date. `version` → 409 `version_conflict` when stale; "
                               "`usageLimit` cannot drop below the uses made. Audited.",
                .tag = kTag},
               [this](Call<CouponChange>& call) {
                 const std::string id(call.param("id"));
                 return ctx_.db().run([&](Tx& tx) { return book_.update(tx, id, call.body, call.principal().id); });
               });
}

}  // namespace agape::orders
