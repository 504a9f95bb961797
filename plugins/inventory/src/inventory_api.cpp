#include "inventory_api.h"

#include <set>
#include <stdexcept>

#include <agape/contract.h>
#include <agape/db.h>
#include <agape/problem.h>
#include <agape/roles.h>

namespace agape::inventory {
namespace {

const std::vector<std::string> kReaders = {std::string(roles::admin), std::string(roles::merchant),
                                           std::string(roles::fulfilment)};
const std::vector<std::string> kEditors = {std::string(roles::admin), std::string(roles::merchant)};
constexpr std::size_t kMaxBulkLines = 500;
constexpr int kMovementsShown = 20;

struct LowStockQuery {
  int page = 1;
  int limit = 20;
  std::optional<long long> threshold;
};
struct BulkAdjustment {
  std::vector<Adjustment> items;
};
struct Levels {
  std::vector<LevelView> data;
};

template <class T>  // LevelView or LevelDetail
Schema<T> levelSchema() {
  return Schema<T>()
      .field("variantId", &LevelView::variantId)
      .field("sku", &LevelView::sku)
      .field("productName", &LevelView::productName)
      .field("onHand", &LevelView::onHand)
      .field("reserved", &LevelView::reserved)
      .field("available", &LevelView::available)
      .field("version", &LevelView::version)
      .field("lowStockThreshold", &LevelView::lowStockThreshold)
      .field("unitCost", &LevelView::unitCost)
      .field("updatedAt", &LevelView::updatedAt);
}

Schema<LevelDetail> levelDetailSchema() {
  return levelSchema<LevelDetail>().field("movements", &LevelDetail::movements,
                                          Schema<MovementView>()
                                              .field("kind", &MovementView::kind)
                                              .field("onHandDelta", &MovementView::onHandDelta)
                                              .field("reservedDelta", &MovementView::reservedDelta)
                                              .field("reason", &MovementView::reason)
                                              .field("actor", &MovementView::actor)
                                              .field("reference", &MovementView::reference)
                                              .field("version", &MovementView::version)
                                              .field("at", &MovementView::at));
}

// The fields of one adjustment (a bulk line adds its variantId first).
Schema<Adjustment>& adjustmentFields(Schema<Adjustment>& s) {
  return s
      .field("delta", &Adjustment::delta,
             {.min = -kMaxUnits, .max = kMaxUnits, .description = "change of the on-hand count"})
      .field("quantity", &Adjustment::quantity, {.min = 0, .max = kMaxUnits, .description = "the new on-hand count"})
      .field("reason", &Adjustment::reason, {.minLength = 1, .maxLength = 200, .description = "why the stock changed"})
      .field("version", &Adjustment::version,
             {.min = 0, .description = "the level version last read; 409 version_conflict when it moved"})
      .field("unitCost", &Adjustment::unitCost, {.min = 0, .max = kMaxUnitCost, .description = "cost price per unit in kobo"})
      .field("lowStockThreshold", &Adjustment::lowStockThreshold,
             {.min = 0, .max = kMaxThreshold, .description = "null: the default"})
      .check([](const Adjustment& a, std::vector<FieldError>& errors) {
        if (a.delta.has_value() == a.quantity.has_value())
          errors.push_back({a.delta ? "quantity" : "delta",
                            "give exactly one of delta (a change) and quantity (the new on-hand count)"});
      });
}

Schema<Adjustment> adjustmentSchema() {
  Schema<Adjustment> s;
  return adjustmentFields(s);
}

Schema<BulkAdjustment> bulkSchema() {
  Schema<Adjustment> line;
  line.field("variantId", &Adjustment::variantId, {.minLength = 1, .maxLength = 100});
  return Schema<BulkAdjustment>()
      .field("items", &BulkAdjustment::items, adjustmentFields(line), {.minItems = 1, .maxItems = kMaxBulkLines})
      .check([](const BulkAdjustment& b, std::vector<FieldError>& errors) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < b.items.size(); ++i)
          if (!b.items[i].variantId.empty() && !seen.insert(b.items[i].variantId).second)
            errors.push_back({"items[" + std::to_string(i) + "].variantId", "is given twice; one line per variant"});
      });
}

Problem problemOf(const AdjustmentFailure& f) {
  switch (f.kind) {
    case AdjustmentFailure::Kind::UnknownVariant: return Problem::notFound("No variant with this id.");
    case AdjustmentFailure::Kind::VersionConflict:
      return Problem(409, "version_conflict", "The stock level changed since you read it.", {{f.field, f.message}});
    case AdjustmentFailure::Kind::Invalid:
      return Problem(409, "invalid_adjustment", "The adjustment would leave fewer units on hand than allowed.",
                     {{f.field, f.message}});
  }
  throw std::logic_error("unknown adjustment failure");
}

}  // namespace

const catalog::VariantDirectory& InventoryApi::variants() const {
  if (!variants_) throw std::logic_error("inventory: the catalogue's VariantDirectory was not set at validate");
  return *variants_;
}

void InventoryApi::registerRoutes(Routes& routes) {
  Schema<LowStockQuery> lowStockQuery;
  withPages(lowStockQuery)
      .field("threshold", &LowStockQuery::threshold,
             {.min = 0, .max = 1'000'000, .description = "one threshold for every variant"});
  routes.get("/v1/admin/inventory/low-stock", Contract().query(lowStockQuery).returns(pageSchema(levelSchema<LevelView>())),
             {.access = Access::Roles, .roles = kReaders,
              .summary = "Variants whose available stock is below a threshold, lowest first",
              .description = "`threshold` applies one threshold to every variant; without it each variant's own "
                             "(or the default inventory.lowStockThreshold) applies. Paginated with `page` and `limit`.",
              .tag = "inventory"},
             [this](Call<None, LowStockQuery>& call) {
               const auto& q = call.query;
               return ctx_.db().read(
                   [&](Tx& tx) { return queries_.lowStock(tx, variants(), q.threshold, q.page, q.limit); });
             });

  routes.get("/v1/admin/inventory/stats",
             Contract().returns(Schema<StockStats>()
                                    .field("unitsOnHand", &StockStats::unitsOnHand)
                                    .field("unitsReserved", &StockStats::unitsReserved)
                                    .field("unitsAvailable", &StockStats::unitsAvailable)
                                    .field("valueAtCost", &StockStats::valueAtCost, moneySchema())
                                    .field("outOfStockCount", &StockStats::outOfStockCount)
                                    .field("variantCount", &StockStats::variantCount)),
             {.access = Access::Roles, .roles = kEditors,
              .summary = "Units on hand, reserved and available, stock value at cost, out-of-stock count",
              .description = "`valueAtCost` counts the units of variants whose cost price is known; null when none is.",
              .tag = "inventory"},
             [this](Call<>&) { return ctx_.db().read([&](Tx& tx) { return queries_.stats(tx); }); });

  routes.get("/v1/admin/inventory/:variantId", Contract().returns(levelDetailSchema()),
             {.access = Access::Roles, .roles = kReaders,
              .summary = "One variant's stock level and its latest movements",
              .description = "A variant the inventory has never stocked shows zeros at version 0.",
              .tag = "inventory"},
             [this](Call<>& call) { return level(std::string(call.param("variantId"))); });

  routes.patch("/v1/admin/inventory/:variantId/stock", Contract().body(adjustmentSchema()).returns(levelSchema<LevelView>()),
               {.access = Access::Roles, .roles = kEditors,
                .summary = "Adjusts one variant's stock by a delta or to an absolute count",
                .description = "Exactly one of `delta` and `quantity`. 404 for an unknown variant; 409 "
                               "`version_conflict` when `version` is stale; 409 `invalid_adjustment` when on hand "
                               "would drop below zero or below the units reserved. Audited.",
                .tag = "inventory"},
               [this](Call<Adjustment>& call) {
                 call.body.variantId = std::string(call.param("variantId"));
                 return adjust(call.request, {call.body}, "inventory.adjust", false).at(0);
               });

  routes.post("/v1/admin/inventory/bulk-adjust",
              Contract().body(bulkSchema()).returns(Schema<Levels>().field("data", &Levels::data, levelSchema<LevelView>())),
              {.access = Access::Roles, .roles = {std::string(roles::admin)},
               .summary = "Adjusts many variants at once, all or nothing",
               .description = "1 to 500 lines, each variant once. 400 `validation_failed` for malformed lines, 409 "
                              "`invalid_adjustment` for lines the stock refuses (unknown variant, stale version, "
                              "too few units); either way every bad line is listed in `errors` and nothing is written.",
               .tag = "inventory"},
              [this](Call<BulkAdjustment>& call) {
                return Levels{adjust(call.request, call.body.items, "inventory.bulk_adjust", true)};
              });
}

LevelDetail InventoryApi::level(const std::string& id) {
  return ctx_.db().read([&](Tx& tx) {
    if (variants().lookup(tx, {id}).empty()) throw Problem::notFound("No variant with this id.");
    const Level level = queries_.find(tx, id).value_or(Level{id});
    LevelDetail out{queries_.view(tx, variants(), {level}).at(0), queries_.movements(tx, id, kMovementsShown)};
    return out;
  });
}

std::vector<LevelView> InventoryApi::adjust(const Request& req, const std::vector<Adjustment>& lines,
                                            std::string_view auditAction, bool bulk) {
  return ctx_.db().run([&](Tx& tx) {
    const AdjustmentResult r = adjuster_.apply(tx, variants(), lines, req.principal->id, req.requestId, auditAction);
    if (r.failures.empty()) return queries_.view(tx, variants(), r.levels);
    if (!bulk) throw problemOf(r.failures.front());
    std::vector<FieldError> lineErrors;
    std::set<std::size_t> badLines;
    for (const auto& f : r.failures) {
      lineErrors.push_back({"items[" + std::to_string(f.line) + "]." + f.field, f.message});
      badLines.insert(f.line);
    }
    throw Problem(409, "invalid_adjustment",
                  std::to_string(badLines.size()) + " of " + std::to_string(lines.size()) +
                      " lines cannot be applied; nothing was changed.",
                  std::move(lineErrors));
  });
}

}  // namespace agape::inventory
