#include "inventory_api.h"

#include <set>
#include <stdexcept>

#include <agape/db.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/query.h>

namespace agape::inventory {
namespace {

const std::vector<std::string> kReaders = {"admin", "merchant", "fulfilment"};
const std::vector<std::string> kEditors = {"admin", "merchant"};
constexpr std::size_t kMaxBulkLines = 500;
constexpr int kMovementsShown = 20;

// The contract's level shape, as the OpenAPI document shows it.
constexpr const char* kLevelProperties =
    R"("variantId":{"type":"string"},"sku":{"type":"string","nullable":true},)"
    R"("productName":{"type":"string","nullable":true},"onHand":{"type":"integer"},"reserved":{"type":"integer"},)"
    R"("available":{"type":"integer"},"version":{"type":"integer"},"lowStockThreshold":{"type":"integer"},)"
    R"("unitCost":{"type":"integer","nullable":true},"updatedAt":{"type":"string","format":"date-time","nullable":true})";
constexpr const char* kLevelRequired =
    R"(["variantId","sku","productName","onHand","reserved","available","version","lowStockThreshold","updatedAt"])";

std::string levelSchema(const std::string& extraProperties = "") {
  return std::string(R"({"type":"object","required":)") + kLevelRequired + R"(,"properties":{)" + kLevelProperties +
         extraProperties + "}}";
}
std::string pageSchema() {
  return std::string(R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)") +
         levelSchema() +
         R"(},"meta":{"type":"object","required":["page","limit","total","totalPages"],"properties":{)"
         R"("page":{"type":"integer"},"limit":{"type":"integer"},"total":{"type":"integer"},"totalPages":{"type":"integer"}}}}})";
}
constexpr const char* kAdjustmentProperties =
    R"("delta":{"type":"integer","minimum":-1000000000,"maximum":1000000000,"description":"change of the on-hand count"},)"
    R"("quantity":{"type":"integer","minimum":0,"maximum":1000000000,"description":"the new on-hand count"},)"
    R"("reason":{"type":"string","minLength":1,"maxLength":200},)"
    R"("version":{"type":"integer","minimum":0,"description":"the level version last read; 409 version_conflict when it moved"},)"
    R"("unitCost":{"type":"integer","minimum":0,"description":"cost price per unit in kobo"},)"
    R"("lowStockThreshold":{"type":"integer","minimum":0,"maximum":1000000,"nullable":true,"description":"null: the default"})";
std::string adjustSchema() {
  return std::string(R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{)") +
         kAdjustmentProperties + "}}";
}
std::string bulkSchema() {
  return std::string(R"({"type":"object","required":["items"],"additionalProperties":false,"properties":{"items":)"
                     R"({"type":"array","minItems":1,"maxItems":500,"items":{"type":"object","required":["variantId","reason"],)"
                     R"("additionalProperties":false,"properties":{"variantId":{"type":"string"},)") +
         kAdjustmentProperties + "}}}}}";
}
constexpr const char* kStatsSchema =
    R"({"type":"object","required":["unitsOnHand","unitsReserved","unitsAvailable","valueAtCost","outOfStockCount","variantCount"],)"
    R"("properties":{"unitsOnHand":{"type":"integer"},"unitsReserved":{"type":"integer"},"unitsAvailable":{"type":"integer"},)"
    R"("valueAtCost":{"type":"object","nullable":true,"required":["amount","currency"],"properties":{"amount":{"type":"integer"},)"
    R"("currency":{"type":"string"}}},"outOfStockCount":{"type":"integer"},"variantCount":{"type":"integer"}}})";

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
  routes.get("/v1/admin/inventory/low-stock", [this](Request& req) { return lowStock(req); },
             {.access = Access::Roles, .roles = kReaders,
              .summary = "Variants whose available stock is below a threshold, lowest first",
              .description = "`threshold` applies one threshold to every variant; without it each variant's own "
                             "(or the default inventory.lowStockThreshold) applies. Paginated with `page` and `limit`.",
              .tag = "inventory", .responseSchema = pageSchema(),
              .query = withPages({{.name = "threshold", .type = "integer", .description = "one threshold for every variant"}})});

  routes.get("/v1/admin/inventory/stats", [this](Request& req) { return stats(req); },
             {.access = Access::Roles, .roles = kEditors,
              .summary = "Units on hand, reserved and available, stock value at cost, out-of-stock count",
              .description = "`valueAtCost` counts the units of variants whose cost price is known; null when none is.",
              .tag = "inventory", .responseSchema = kStatsSchema});

  routes.get("/v1/admin/inventory/:variantId", [this](Request& req) { return level(req); },
             {.access = Access::Roles, .roles = kReaders,
              .summary = "One variant's stock level and its latest movements",
              .description = "A variant the inventory has never stocked shows zeros at version 0.",
              .tag = "inventory",
              .responseSchema = levelSchema(R"(,"movements":{"type":"array","items":{"type":"object"}})")});

  routes.patch("/v1/admin/inventory/:variantId/stock", [this](Request& req) { return adjust(req); },
               {.access = Access::Roles, .roles = kEditors,
                .summary = "Adjusts one variant's stock by a delta or to an absolute count",
                .description = "Exactly one of `delta` and `quantity`. 404 for an unknown variant; 409 "
                               "`version_conflict` when `version` is stale; 409 `invalid_adjustment` when on hand "
                               "would drop below zero or below the units reserved. Audited.",
                .tag = "inventory", .requestSchema = adjustSchema(), .responseSchema = levelSchema()});

  routes.post("/v1/admin/inventory/bulk-adjust", [this](Request& req) { return bulkAdjust(req); },
              {.access = Access::Roles, .roles = {"admin"},
               .summary = "Adjusts many variants at once, all or nothing",
               .description = "1 to 500 lines, each variant once. 400 `validation_failed` for malformed lines, 409 "
                              "`invalid_adjustment` for lines the stock refuses (unknown variant, stale version, "
                              "too few units); either way every bad line is listed in `errors` and nothing is written.",
               .tag = "inventory", .requestSchema = bulkSchema(),
               .responseSchema = R"({"type":"object","required":["data"],"properties":{"data":{"type":"array","items":)" +
                                 levelSchema() + "}}}"});
}

Response InventoryApi::level(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string id(req.requireParam("variantId"));
  return jsonResponse(ctx_.db().read([&](Tx& tx) {
    if (variants().lookup(tx, {id}).empty()) throw Problem::notFound("No variant with this id.");
    const Level level = queries_.find(tx, id).value_or(Level{id});
    Json out = queries_.render(tx, variants(), {level}).at(0);
    out["movements"] = queries_.movements(tx, id, kMovementsShown);
    return out;
  }));
}

Response InventoryApi::lowStock(const Request& req) {
  QueryReader q(req, {"threshold", "page", "limit"});
  const auto threshold = q.integer("threshold", 0, 1'000'000);
  const PageRequest page = q.page();
  q.finish();
  return jsonResponse(
      ctx_.db().read([&](Tx& tx) { return queries_.lowStock(tx, variants(), threshold, page.page, page.limit); }));
}

Response InventoryApi::stats(const Request& req) {
  QueryReader(req, {}).finish();
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return queries_.stats(tx); }));
}

Response InventoryApi::adjust(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"delta", "quantity", "reason", "version", "unitCost", "lowStockThreshold"});
  Adjustment a;
  a.variantId = std::string(req.requireParam("variantId"));
  std::vector<FieldError> errors;
  readAdjustment(body, "", a, errors);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return jsonResponse(ctx_.db().run([&](Tx& tx) {
    const AdjustmentResult r =
        adjuster_.apply(tx, variants(), {a}, req.principal->id, req.requestId, "inventory.adjust");
    if (!r.failures.empty()) throw problemOf(r.failures.front());
    return queries_.render(tx, variants(), r.levels).at(0);
  }));
}

Response InventoryApi::bulkAdjust(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"items"});
  std::vector<FieldError> errors;
  std::vector<Adjustment> lines;
  const Json& items = body.contains("items") ? body["items"] : Json();
  if (!items.is_array() || items.empty() || items.size() > kMaxBulkLines) {
    errors.push_back({"items", "must be an array of 1 to " + std::to_string(kMaxBulkLines) + " adjustments"});
  } else {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string prefix = "items[" + std::to_string(i) + "].";
      const Json& line = items[i];
      if (!line.is_object()) {
        errors.push_back({"items[" + std::to_string(i) + "]", "must be an object {variantId, delta or quantity, reason}"});
        continue;
      }
      for (const auto& [key, _] : line.items()) {
        bool known = key == "variantId";
        for (auto f : kAdjustmentFields) known = known || key == f;
        if (!known) errors.push_back({prefix + key, "is not a known field"});
      }
      Adjustment a;
      if (!line.contains("variantId") || !line["variantId"].is_string() || line["variantId"].get_ref<const std::string&>().empty())
        errors.push_back({prefix + "variantId", "is required: the variant's id"});
      else if (!seen.insert(line["variantId"].get<std::string>()).second)
        errors.push_back({prefix + "variantId", "is given twice; one line per variant"});
      else
        a.variantId = line["variantId"].get<std::string>();
      readAdjustment(line, prefix, a, errors);
      lines.push_back(std::move(a));
    }
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors), "Some lines are not valid; nothing was changed.");

  return jsonResponse(ctx_.db().run([&](Tx& tx) {
    const AdjustmentResult r =
        adjuster_.apply(tx, variants(), lines, req.principal->id, req.requestId, "inventory.bulk_adjust");
    if (!r.failures.empty()) {
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
    }
    return Json{{"data", queries_.render(tx, variants(), r.levels)}};
  }));
}

}  // namespace agape::inventory
