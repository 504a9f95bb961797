// JSON work a typical handler does: parse and validate an order body with
// parseJsonObject, and serialise a page of products with jsonResponse.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agape/json.h"
#include "agape/problem.h"

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

const std::initializer_list<std::string_view> kOrderFields = {
    "cartId", "currency", "email", "phone", "items", "shippingAddress", "billingAddress",
    "couponCode", "shippingMethod", "paymentProvider", "notes", "metadata"};

struct OrderLine {
  std::string productId, variantId;
  std::int64_t quantity, unitPrice;
};

struct OrderInput {
  std::string cartId, currency, email;
  std::vector<OrderLine> lines;
  std::string city, country;
  std::int64_t total = 0;
};

// The typed checks a handler performs after parseJsonObject.
OrderInput validateOrder(const Json& j) {
  std::vector<FieldError> errors;
  auto str = [&](const Json& obj, const char* key, const std::string& prefix) -> std::string {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      errors.push_back({prefix + key, "must be a non-empty string"});
      return {};
    }
    return it->get<std::string>();
  };
  OrderInput in;
  in.cartId = str(j, "cartId", "");
  in.currency = str(j, "currency", "");
  in.email = str(j, "email", "");
  const Json& items = j.at("items");
  if (!items.is_array() || items.empty() || items.size() > 100) errors.push_back({"items", "1 to 100 lines"});
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string prefix = "items[" + std::to_string(i) + "].";
    const Json& line = items[i];
    OrderLine l{str(line, "productId", prefix), str(line, "variantId", prefix), 0, 0};
    auto q = line.find("quantity");
    if (q == line.end() || !q->is_number_integer() || *q < 1 || *q > 99)
      errors.push_back({prefix + "quantity", "must be an integer from 1 to 99"});
    else
      l.quantity = q->get<std::int64_t>();
    auto p = line.find("unitPrice");
    if (p == line.end() || !p->is_number_integer() || *p < 0)
      errors.push_back({prefix + "unitPrice", "must be a non-negative integer (kobo)"});
    else
      l.unitPrice = p->get<std::int64_t>();
    in.total += l.quantity * l.unitPrice;
    in.lines.push_back(std::move(l));
  }
  const Json& ship = j.at("shippingAddress");
  in.city = str(ship, "city", "shippingAddress.");
  in.country = str(ship, "country", "shippingAddress.");
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return in;
}

Request orderRequest() {
  Request r;
  r.method = Method::Post;
  r.path = "/v1/orders";
  r.body = orderBody();
  r.headers.add("Content-Type", "application/json");
  return r;
}

// parseJsonObject alone: parse + unknown-field check.
void BM_JsonParseOrder(benchmark::State& state) {
  Request r = orderRequest();
  for (auto _ : state) {
    Json j = parseJsonObject(r, kOrderFields);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * r.body.size()));
  state.counters["bodyBytes"] = static_cast<double>(r.body.size());
}
BENCHMARK(BM_JsonParseOrder);

// parseJsonObject followed by the typed validation a handler does.
void BM_JsonParseValidateOrder(benchmark::State& state) {
  Request r = orderRequest();
  if (validateOrder(parseJsonObject(r, kOrderFields)).total != 2 * 1250000 + 899900 + 3 * 45000 + 2300000) {
    state.SkipWithError("order total mismatch");
    return;
  }
  for (auto _ : state) {
    OrderInput in = validateOrder(parseJsonObject(r, kOrderFields));
    benchmark::DoNotOptimize(in);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * r.body.size()));
}
BENCHMARK(BM_JsonParseValidateOrder);

// A body with an unknown field: parse, then the 400 Problem thrown and caught.
void BM_JsonRejectUnknownField(benchmark::State& state) {
  Request r = orderRequest();
  r.body.insert(1, R"("isAdmin": true,)");
  for (auto _ : state) {
    int status = 0;
    try {
      benchmark::DoNotOptimize(parseJsonObject(r, kOrderFields));
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
