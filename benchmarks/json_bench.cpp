// JSON work a typical handler does: decode and validate an order body
// through its Schema (beside nlohmann's parse alone, the floor), and
// serialise a page of products with jsonResponse.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agape/json.h"
#include "agape/problem.h"
#include "agape/schema.h"

using namespace agape;

namespace {

// About 1 KB: a checkout request with four lines, addresses and metadata.
const std::string& orderBody() {
  static const std::string body = R"({
  "cartId": "crt_0190c3f27b1e7a3c9d4e5f6a7b8c9d0e",
  "currency": "NGN",
  "email": "ada.obi@example.ng",
  "phone": "+2348031234567",
  "items": [
    {"productId": "prd_0190c3f2a1", "variantId": "var_01", "quantity": 2, "unitPrice": 1250000},
    {"productId": "prd_0190c3f2b2", "variantId": "var_07", "quantity": 1, "unitPrice": 899900},
    {"productId": "prd_0190c3f2c3", "variantId": "var_02", "quantity": 3, "unitPrice": 45000},
    {"productId": "prd_0190c3f2d4", "variantId": "var_11", "quantity": 1, "unitPrice": 2300000}
  ],
  "shippingAddress": {
    "name": "Ada Obi", "line1": "14 Admiralty Way", "line2": "Lekki Phase 1",
    "city": "Lagos", "state": "Lagos", "postalCode": "106104", "country": "NG"
  },
  "billingAddress": {
    "name": "Ada Obi", "line1": "14 Admiralty Way", "line2": "Lekki Phase 1",
    "city": "Lagos", "state": "Lagos", "postalCode": "106104", "country": "NG"
  },
  "couponCode": "WELCOME10",
  "shippingMethod": "standard",
  "paymentProvider": "paystack",
  "notes": "Please call on arrival; the gate code is 4471.",
  "metadata": {"channel": "web", "campaign": "harmattan-sale", "referrer": "newsletter"}
})";
  return body;
}

struct OrderLine {
  std::string productId, variantId;
  std::int64_t quantity = 0, unitPrice = 0;
};
struct Address {
  std::string name, line1;
  std::optional<std::string> line2;
  std::string city, state;
  std::optional<std::string> postalCode;
  std::string country;
};
struct OrderInput {
  std::string cartId, currency, email, phone;
  std::vector<OrderLine> items;
  Address shippingAddress;
  std::optional<Address> billingAddress;
  std::optional<std::string> couponCode, shippingMethod, paymentProvider, notes;
  std::map<std::string, std::string> metadata;
};

// What a checkout route declares: every field, its type and its rules.
Schema<OrderInput> orderSchema() {
  const auto line = Schema<OrderLine>()
                        .field("productId", &OrderLine::productId, {.minLength = 1})
                        .field("variantId", &OrderLine::variantId, {.minLength = 1})
                        .field("quantity", &OrderLine::quantity, {.min = 1, .max = 99})
                        .field("unitPrice", &OrderLine::unitPrice, {.min = 0});
  const auto address = Schema<Address>()
                           .field("name", &Address::name, {.minLength = 1, .maxLength = 100})
                           .field("line1", &Address::line1, {.minLength = 1, .maxLength = 200})
                           .field("line2", &Address::line2, {.optional = true, .maxLength = 200})
                           .field("city", &Address::city, {.minLength = 1, .maxLength = 100})
                           .field("state", &Address::state, {.minLength = 1, .maxLength = 100})
                           .field("postalCode", &Address::postalCode, {.optional = true, .maxLength = 20})
                           .field("country", &Address::country, {.minLength = 2, .maxLength = 2});
  return Schema<OrderInput>()
      .field("cartId", &OrderInput::cartId, {.minLength = 1})
      .field("currency", &OrderInput::currency, {.minLength = 3, .maxLength = 3})
      .field("email", &OrderInput::email, {.format = "email"})
      .field("phone", &OrderInput::phone, {.minLength = 7, .maxLength = 20})
      .field("items", &OrderInput::items, line, {.minItems = 1, .maxItems = 100})
      .field("shippingAddress", &OrderInput::shippingAddress, address)
      .field("billingAddress", &OrderInput::billingAddress, address, {.optional = true})
      .field("couponCode", &OrderInput::couponCode, {.optional = true, .maxLength = 64})
      .field("shippingMethod", &OrderInput::shippingMethod, {.optional = true, .maxLength = 40})
      .field("paymentProvider", &OrderInput::paymentProvider, {.optional = true, .oneOf = {"paystack", "sandbox"}})
      .field("notes", &OrderInput::notes, {.optional = true, .maxLength = 500})
      .field("metadata", &OrderInput::metadata, {.optional = true});
}

// nlohmann's parse alone: the floor under any decoding.
void BM_JsonParseOrder(benchmark::State& state) {
  const std::string& body = orderBody();
  for (auto _ : state) {
    Json j = Json::parse(body);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["bodyBytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_JsonParseOrder);

// The body decoded by its Schema: parse, unknown fields, types and rules.
void BM_JsonParseValidateOrder(benchmark::State& state) {
  const std::string& body = orderBody();
  const auto schema = orderSchema();
  if (schema.decode(body).items.size() != 4) {
    state.SkipWithError("order lines mismatch");
    return;
  }
  for (auto _ : state) {
    OrderInput in = schema.decode(body);
    benchmark::DoNotOptimize(in);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_JsonParseValidateOrder);

// A body with an unknown field: decoded, then the 400 Problem thrown and caught.
void BM_JsonRejectUnknownField(benchmark::State& state) {
  std::string body = orderBody();
  body.insert(1, R"("isAdmin": true,)");
  const auto schema = orderSchema();
  for (auto _ : state) {
    int status = 0;
    try {
      benchmark::DoNotOptimize(schema.decode(body));
    } catch (const Problem& p) {
      status = p.status();
    }
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_JsonRejectUnknownField);

struct Product {
  std::string id, slug, name, description, currency, imageUrl;
  std::int64_t price;
  int stock;
  double rating;
  std::vector<std::string> categories;
};

std::vector<Product> products(int n) {
  std::vector<Product> out;
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    out.push_back({"prd_0190c3f27b1e7a3c" + k, "ankara-print-shirt-" + k, "Ankara Print Shirt " + k,
                   "Hand-finished cotton shirt in a bold wax print; slim fit, size " + k + ".", "NGN",
                   "https://cdn.example.ng/products/ankara-" + k + ".jpg", 1250000 + i * 1000, 10 + i, 4.5,
                   {"fashion", "men", "shirts"}});
  }
  return out;
}

Json productJson(const Product& p) {
  return {{"id", p.id},
          {"slug", p.slug},
          {"name", p.name},
          {"description", p.description},
          {"price", {{"amount", p.price}, {"currency", p.currency}}},
          {"stock", p.stock},
          {"rating", p.rating},
          {"imageUrl", p.imageUrl},
          {"categories", p.categories}};
}

// Build the JSON document from structs and serialise it with jsonResponse,
// as a list handler does.
void BM_JsonBuildAndSerialiseProductList(benchmark::State& state) {
  const auto list = products(20);
  std::size_t bytes = 0;
  for (auto _ : state) {
    Json items = Json::array();
    for (const auto& p : list) items.push_back(productJson(p));
    Response r = jsonResponse({{"items", std::move(items)}, {"nextCursor", "eyJpZCI6InByZF8yMCJ9"}});
    bytes = r.body.size();
    benchmark::DoNotOptimize(r.body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["bodyBytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_JsonBuildAndSerialiseProductList);

// Serialisation alone of the same, already built document.
void BM_JsonSerialiseProductList(benchmark::State& state) {
  Json items = Json::array();
  for (const auto& p : products(20)) items.push_back(productJson(p));
  const Json doc = {{"items", items}, {"nextCursor", "eyJpZCI6InByZF8yMCJ9"}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    Response r = jsonResponse(doc);
    bytes = r.body.size();
    benchmark::DoNotOptimize(r.body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_JsonSerialiseProductList);

}  // namespace
