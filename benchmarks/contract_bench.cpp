// The cost of typed contracts on a hot route, beside the hand-written code
// they replace: the cart's response (5 lines) rendered through a Schema
// versus built as an nlohmann DOM and dumped, and the add-item body decoded
// through a Schema versus an nlohmann parse and hand checks.

#include <benchmark/benchmark.h>

#include <optional>
#include <string>
#include <vector>

#include "agape/clock.h"
#include "agape/contract.h"
#include "agape/json.h"

using namespace agape;

namespace {

struct Line {
  std::string id, variantId;
  std::optional<std::string> productId, productSlug;
  std::string productName, sku;
  std::optional<std::string> size, color;
  long long quantity = 0, unitPrice = 0, currentPrice = 0;
  bool priceChanged = false;
  long long lineTotal = 0;
  bool purchasable = true;
  std::optional<long long> available;
};
struct CartView {
  std::optional<std::string> id;
  std::vector<Line> items;
  long long itemCount = 0, subtotal = 0;
  std::string currency;
  std::optional<Timestamp> updatedAt;
  std::optional<std::string> cartToken;
};

CartView sampleCart() {
  CartView c{"018f3c2a-7b1e-7a3c-9d4e-5f6a7b8c9d0e", {}, 0, 0, "NGN", Timestamp{1795515300000}, std::nullopt};
  for (int i = 0; i < 5; ++i) {
    c.items.push_back({"018f3c2a-7b1e-7a3c-9d4e-5f6a7b8c9d1" + std::to_string(i),
                       "018f3c2a-7b1e-7a3c-9d4e-5f6a7b8c9d2" + std::to_string(i), "018f3c2a-prd-" + std::to_string(i),
                       "ankara-wrap-dress-" + std::to_string(i), "Ankara Wrap Dress — Ẹwà " + std::to_string(i),
                       "AWD-" + std::to_string(i) + "-M-IND", std::string("M"), std::string("Indigo"), 2, 1250000,
                       1250000, false, 2500000, true, 40});
    c.itemCount += 2;
    c.subtotal += 2500000;
  }
  return c;
}

Schema<CartView> cartSchema() {
  const auto line = Schema<Line>()
                        .field("id", &Line::id)
                        .field("variantId", &Line::variantId)
                        .field("productId", &Line::productId)
                        .field("productSlug", &Line::productSlug)
                        .field("productName", &Line::productName)
                        .field("sku", &Line::sku)
                        .field("size", &Line::size)
                        .field("color", &Line::color)
                        .field("quantity", &Line::quantity)
                        .field("unitPrice", &Line::unitPrice)
                        .field("currentPrice", &Line::currentPrice)
                        .field("priceChanged", &Line::priceChanged)
                        .field("lineTotal", &Line::lineTotal)
                        .field("purchasable", &Line::purchasable)
                        .field("available", &Line::available);
  return Schema<CartView>()
      .field("id", &CartView::id)
      .field("items", &CartView::items, line)
      .field("itemCount", &CartView::itemCount)
      .field("subtotal", &CartView::subtotal)
      .field("currency", &CartView::currency)
      .field("updatedAt", &CartView::updatedAt)
      .field("cartToken", &CartView::cartToken, {.omitWhenNull = true});
}

Json optional(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

// The cart plugin's rendering before contracts.
std::string renderByHand(const CartView& c) {
  Json items = Json::array();
  for (const auto& l : c.items)
    items.push_back({{"id", l.id},
                     {"variantId", l.variantId},
                     {"productId", optional(l.productId)},
                     {"productSlug", optional(l.productSlug)},
                     {"productName", l.productName},
                     {"sku", l.sku},
                     {"size", optional(l.size)},
                     {"color", optional(l.color)},
                     {"quantity", l.quantity},
                     {"unitPrice", l.unitPrice},
                     {"currentPrice", l.currentPrice},
                     {"priceChanged", l.priceChanged},
                     {"lineTotal", l.lineTotal},
                     {"purchasable", l.purchasable},
                     {"available", l.available ? Json(*l.available) : Json(nullptr)}});
  Json out = {{"id", optional(c.id)},      {"items", std::move(items)}, {"itemCount", c.itemCount},
              {"subtotal", c.subtotal},    {"currency", c.currency},
              {"updatedAt", c.updatedAt ? Json(rfc3339(c.updatedAt->ms)) : Json(nullptr)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void BM_CartRenderedByHand(benchmark::State& state) {
  const CartView cart = sampleCart();
  for (auto _ : state) benchmark::DoNotOptimize(renderByHand(cart));
}
BENCHMARK(BM_CartRenderedByHand);

void BM_CartRenderedBySchema(benchmark::State& state) {
  const CartView cart = sampleCart();
  const auto schema = cartSchema();
  for (auto _ : state) benchmark::DoNotOptimize(schema.encode(cart));
}
BENCHMARK(BM_CartRenderedBySchema);

struct AddItem {
  std::string variantId;
  long long quantity = 1;
};
const std::string kAddItem = R"({"variantId":"018f3c2a-7b1e-7a3c-9d4e-5f6a7b8c9d0e","quantity":2})";

// The cart plugin's body checks before contracts.
AddItem decodeByHand(const Request& req) {
  const Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object()) throw Problem::badRequest("The request body must be a JSON object.");
  for (const auto& [key, _] : body.items())
    if (key != "variantId" && key != "quantity") throw Problem::validation({{key, "is not a known field"}});
  AddItem out;
  if (!body.contains("variantId") || !body["variantId"].is_string() ||
      body["variantId"].get_ref<const std::string&>().empty() || body["variantId"].get_ref<const std::string&>().size() > 100)
    throw Problem::validation({{"variantId", "is required: a string of 1 to 100 characters"}});
  out.variantId = body["variantId"].get<std::string>();
  if (body.contains("quantity")) {
    const Json& q = body["quantity"];
    if (!q.is_number_integer() || q.get<long long>() < 1 || q.get<long long>() > 100)
      throw Problem::validation({{"quantity", "must be an integer between 1 and 100"}});
    out.quantity = q.get<long long>();
  }
  return out;
}

void BM_AddItemDecodedByHand(benchmark::State& state) {
  Request req;
  req.body = kAddItem;
  for (auto _ : state) benchmark::DoNotOptimize(decodeByHand(req));
}
BENCHMARK(BM_AddItemDecodedByHand);

void BM_AddItemDecodedBySchema(benchmark::State& state) {
  const auto schema = Schema<AddItem>()
                          .field("variantId", &AddItem::variantId, {.minLength = 1, .maxLength = 100})
                          .field("quantity", &AddItem::quantity, {.optional = true, .min = 1, .max = 100});
  for (auto _ : state) benchmark::DoNotOptimize(schema.decode(kAddItem));
}
BENCHMARK(BM_AddItemDecodedBySchema);

}  // namespace
