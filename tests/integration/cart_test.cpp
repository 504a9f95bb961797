// The cart plugin through the real binary, with the real catalogue and
// inventory, on SQLite and PostgreSQL: a guest's cart by its token, a
// signed-in user's cart, validation and business errors, prices that change
// under a cart, stock checks, totals, the merge at sign-in, and concurrent
// writes to one cart losing nothing. Signed-in carts and the merge run with
// the real auth plugin signing the callers in; the other cases with
// test.tokens.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/api_test.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

std::string tokenHeader(const std::string& token) { return "X-Cart-Token: " + token; }

class CartServe : public ApiTest {
 protected:
  void start(bool withInventory = true, const std::string& extra = "") {
    std::vector<std::string> plugins = {"test.tokens", pluginEntry("catalog")};
    if (withInventory) plugins.push_back(pluginEntry("inventory"));
    plugins.push_back(pluginEntry("cart"));
    serve(plugins, "catalog:\n  cacheTtl: 0s\n" + extra);
  }

  // A product (₦15,000) with three variants; returns the product.
  Json product(const std::string& name = "Ankara Wrap Dress", const std::string& sku = "ANK-1", long long price = 1'500'000) {
    if (categoryId_.empty())
      categoryId_ = ok(send("POST", "/v1/categories", Json{{"name", "Dresses"}, {"slug", "dresses"}}, {as_.admin}), 201)["id"];
    return ok(send("POST", "/v1/products",
                   Json{{"name", name}, {"categoryId", categoryId_}, {"price", price}, {"status", "active"},
                        {"variants", {{{"sku", sku + "-S"}, {"size", "S"}},
                                      {{"sku", sku + "-M"}, {"size", "M"}},
                                      {{"sku", sku + "-L"}, {"size", "L"}}}}},
                   {as_.admin}),
              201);
  }
  void setStock(const std::string& variantId, long long quantity) {
    ok(send("PATCH", "/v1/admin/inventory/" + variantId + "/stock", Json{{"quantity", quantity}, {"reason", "count"}},
            {as_.admin}));
  }

  std::string categoryId_;
};

TEST_P(CartServe, AGuestCartLivesByItsToken) {
  start();
  const Json p = product();
  const std::string s = p["variants"][0]["id"], m = p["variants"][1]["id"];
  setStock(s, 20);
  setStock(m, 20);

  const Json none = ok(get("/v1/cart"));
  EXPECT_TRUE(none["id"].is_null());
  EXPECT_EQ(none["items"].size(), 0u);
  EXPECT_EQ(none["currency"], "NGN");
  EXPECT_FALSE(none.contains("cartToken"));

  const Json first = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}, {"quantity", 2}}));
  ASSERT_TRUE(first["cartToken"].is_string()) << first.dump();
  const std::string token = first["cartToken"];
  EXPECT_EQ(token.size(), 43u);
  ASSERT_EQ(first["items"].size(), 1u);
  const Json line = first["items"][0];
  EXPECT_EQ(line["variantId"], s);
  EXPECT_EQ(line["productId"], p["id"]);
  EXPECT_EQ(line["productSlug"], p["slug"]);
  EXPECT_EQ(line["productName"], "Ankara Wrap Dress");
  EXPECT_EQ(line["sku"], "ANK-1-S");
  EXPECT_EQ(line["size"], "S");
  EXPECT_EQ(line["quantity"], 2);
  EXPECT_EQ(line["unitPrice"], 1'500'000);
  EXPECT_EQ(line["currentPrice"], 1'500'000);
  EXPECT_EQ(line["lineTotal"], 3'000'000);
  EXPECT_EQ(line["priceChanged"], false);
  EXPECT_EQ(line["purchasable"], true);
  EXPECT_EQ(line["available"], 20);
  EXPECT_EQ(first["subtotal"], 3'000'000);
  EXPECT_EQ(first["itemCount"], 2);

  // The same variant again raises its line; another variant adds one.
  ok(send("POST", "/v1/cart/items", Json{{"variantId", s}}, {tokenHeader(token)}));
  const Json two = ok(send("POST", "/v1/cart/items", Json{{"variantId", m}, {"quantity", 1}}, {tokenHeader(token)}));
  EXPECT_FALSE(two.contains("cartToken"));
  ASSERT_EQ(two["items"].size(), 2u);
  EXPECT_EQ(two["items"][0]["quantity"], 3);
  EXPECT_EQ(two["itemCount"], 4);
  EXPECT_EQ(two["subtotal"], 6'000'000);
  EXPECT_EQ(two["id"], first["id"]);

  const std::string lineId = two["items"][1]["id"];
  const Json patched = ok(send("PATCH", "/v1/cart/items/" + lineId, Json{{"quantity", 5}}, {tokenHeader(token)}));
  EXPECT_EQ(patched["items"][1]["quantity"], 5);
  EXPECT_EQ(ok(get("/v1/cart", {tokenHeader(token)}))["itemCount"], 8);

  // Another guest (or none) cannot reach the line.
  EXPECT_EQ(send("PATCH", "/v1/cart/items/" + lineId, Json{{"quantity", 1}}).status, 404);
  EXPECT_EQ(send("DELETE", "/v1/cart/items/" + lineId, Json(), {as_.ada}).status, 404);
  EXPECT_EQ(send("DELETE", "/v1/cart/items/" + lineId, Json(), {tokenHeader(token)}).status, 204);
  EXPECT_EQ(send("DELETE", "/v1/cart/items/" + lineId, Json(), {tokenHeader(token)}).status, 404);
  EXPECT_EQ(ok(get("/v1/cart", {tokenHeader(token)}))["items"].size(), 1u);

  EXPECT_EQ(send("DELETE", "/v1/cart", Json(), {tokenHeader(token)}).status, 204);
  const Json emptied = ok(get("/v1/cart", {tokenHeader(token)}));
  EXPECT_EQ(emptied["id"], first["id"]);  // the cart and its token stay
  EXPECT_EQ(emptied["items"].size(), 0u);

  // A token the server never issued names no cart: a write starts a new one.
  const std::string forged(43, 'A');
  EXPECT_TRUE(ok(get("/v1/cart", {tokenHeader(forged)}))["id"].is_null());
  const Json fresh = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}}, {tokenHeader(forged)}));
  EXPECT_NE(fresh["cartToken"], forged);
  EXPECT_NE(fresh["id"], first["id"]);
}

TEST_P(CartServe, BadInputIsRefusedWithTheFieldAndNothingChanges) {
  start(true, "cart:\n  maxLines: 2\n  maxQuantityPerLine: 5\n");
  const Json p = product();
  for (const auto& v : p["variants"]) setStock(v["id"], 100);
  const std::string s = p["variants"][0]["id"];
  const std::string token = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}, {"quantity", 3}}))["cartToken"];
  const std::string auth = tokenHeader(token);

  for (const auto& [body, field] : std::vector<std::pair<Json, std::string>>{
           {Json{{"quantity", 1}}, "variantId"},
           {Json{{"variantId", ""}}, "variantId"},
           {Json{{"variantId", 7}}, "variantId"},
           {Json{{"variantId", "no-such-variant"}}, "variantId"},
           {Json{{"variantId", s}, {"quantity", 0}}, "quantity"},
           {Json{{"variantId", s}, {"quantity", 6}}, "quantity"},
           {Json{{"variantId", s}, {"quantity", 1.5}}, "quantity"},
           {Json{{"variantId", s}, {"quantity", "2"}}, "quantity"},
           {Json{{"variantId", s}, {"quantity", 3}}, "quantity"},  // 3 + 3 > 5 per line
           {Json{{"variantId", s}, {"colour", "red"}}, "colour"}}) {
    auto r = send("POST", "/v1/cart/items", body, {auth});
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(code(r), "validation_failed") << body.dump();
    EXPECT_EQ(fields(r), (std::set<std::string>{field})) << body.dump() << " " << r.body;
  }
  auto malformed = client_->request("POST", "/v1/cart/items", "{not json", {kJson, auth});
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(client_->request("POST", "/v1/cart/items", "variantId=x", {"Content-Type: text/plain", auth}).status, 415);
  EXPECT_EQ(get("/v1/cart?page=2", {auth}).status, 400);

  const std::string line = ok(get("/v1/cart", {auth}))["items"][0]["id"];
  for (const Json& body : {Json::object(), Json{{"quantity", 0}}, Json{{"quantity", 6}}, Json{{"quantity", nullptr}}}) {
    auto r = send("PATCH", "/v1/cart/items/" + line, body, {auth});
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(fields(r), (std::set<std::string>{"quantity"})) << r.body;
  }

  // Past maxLines: 422 cart_full.
  ok(send("POST", "/v1/cart/items", Json{{"variantId", p["variants"][1]["id"]}}, {auth}));
  auto full = send("POST", "/v1/cart/items", Json{{"variantId", p["variants"][2]["id"]}}, {auth});
  EXPECT_EQ(full.status, 422) << full.body;
  EXPECT_EQ(code(full), "cart_full");

  // An archived product cannot be added.
  const Json other = product("Adire Kaftan", "ADI-2");
  ASSERT_EQ(send("DELETE", "/v1/products/" + other["id"].get<std::string>(), Json(), {as_.admin}).status, 204);
  auto archived = send("POST", "/v1/cart/items", Json{{"variantId", other["variants"][0]["id"]}});
  EXPECT_EQ(archived.status, 422) << archived.body;
  EXPECT_EQ(code(archived), "not_purchasable");

  // Nothing of the refused writes landed.
  const Json cart = ok(get("/v1/cart", {auth}));
  ASSERT_EQ(cart["items"].size(), 2u);
  EXPECT_EQ(cart["items"][0]["quantity"], 3);
  EXPECT_EQ(cart["items"][1]["quantity"], 1);
}

TEST_P(CartServe, PricesAndAvailabilityAreTheCataloguesNow) {
  start();
  const Json p = product();
  const std::string s = p["variants"][0]["id"], m = p["variants"][1]["id"];
  setStock(s, 3);
  setStock(m, 10);
  const Json first = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}, {"quantity", 3}}));
  const std::string auth = tokenHeader(first["cartToken"]);

  auto short1 = send("POST", "/v1/cart/items", Json{{"variantId", s}}, {auth});
  EXPECT_EQ(short1.status, 409) << short1.body;
  EXPECT_EQ(code(short1), "out_of_stock");
  EXPECT_EQ(fields(short1), (std::set<std::string>{"quantity"}));
  EXPECT_NE(Json::parse(short1.body)["detail"].get<std::string>().find("ANK-1-S"), std::string::npos);

  // Lowering a line is always possible, even below what is in stock now.
  ok(send("POST", "/v1/cart/items", Json{{"variantId", m}, {"quantity", 4}}, {auth}));
  setStock(m, 2);
  const std::string mLine = ok(get("/v1/cart", {auth}))["items"][1]["id"];
  EXPECT_EQ(ok(send("PATCH", "/v1/cart/items/" + mLine, Json{{"quantity", 3}}, {auth}))["items"][1]["available"], 2);
  auto raise = send("PATCH", "/v1/cart/items/" + mLine, Json{{"quantity", 4}}, {auth});
  EXPECT_EQ(raise.status, 409) << raise.body;

  // The price drops: the line shows both prices and totals at the new one.
  ok(send("PATCH", "/v1/products/" + p["id"].get<std::string>(), Json{{"price", 1'200'000}, {"version", p["version"]}},
          {as_.admin}));
  const Json repriced = ok(get("/v1/cart", {auth}));
  EXPECT_EQ(repriced["items"][0]["unitPrice"], 1'500'000);
  EXPECT_EQ(repriced["items"][0]["currentPrice"], 1'200'000);
  EXPECT_EQ(repriced["items"][0]["priceChanged"], true);
  EXPECT_EQ(repriced["items"][0]["lineTotal"], 3'600'000);
  EXPECT_EQ(repriced["subtotal"], 3'600'000 + 3'600'000);

  // Archived: the line stays, marked, and leaves the totals.
  ASSERT_EQ(send("DELETE", "/v1/products/" + p["id"].get<std::string>(), Json(), {as_.admin}).status, 204);
  const Json gone = ok(get("/v1/cart", {auth}));
  ASSERT_EQ(gone["items"].size(), 2u);
  EXPECT_EQ(gone["items"][0]["purchasable"], false);
  EXPECT_EQ(gone["items"][0]["lineTotal"], 0);
  EXPECT_EQ(gone["items"][0]["priceChanged"], false);
  EXPECT_EQ(gone["subtotal"], 0);
  EXPECT_EQ(gone["itemCount"], 0);
  auto patchGone = send("PATCH", "/v1/cart/items/" + mLine, Json{{"quantity", 1}}, {auth});
  EXPECT_EQ(patchGone.status, 422) << patchGone.body;
  EXPECT_EQ(code(patchGone), "not_purchasable");
  EXPECT_EQ(send("DELETE", "/v1/cart/items/" + mLine, Json(), {auth}).status, 204);
}

TEST_P(CartServe, WithoutTheInventoryAvailabilityIsUnknownAndNotChecked) {
  start(false);
  const Json p = product();
  const Json cart = ok(send("POST", "/v1/cart/items", Json{{"variantId", p["variants"][0]["id"]}, {"quantity", 10}}));
  EXPECT_TRUE(cart["items"][0]["available"].is_null());
  EXPECT_EQ(cart["items"][0]["quantity"], 10);
}

TEST_P(CartServe, TotalsWithShippingTaxAndCoupons) {
  start(true,
        "cart:\n  shipping:\n    default: standard\n    methods:\n"
        "      standard: {label: Standard, price: 250000, freeFrom: 5000000}\n"
        "      express: {label: Express, price: 500000}\n");
  const Json methods = ok(get("/v1/cart/shipping-methods"));
  EXPECT_EQ(methods["default"], "standard");
  ASSERT_EQ(methods["data"].size(), 2u);
  EXPECT_EQ(methods["data"][0], (Json{{"id", "standard"}, {"label", "Standard"}, {"price", 250'000}, {"freeFrom", 5'000'000}}));
  EXPECT_TRUE(methods["data"][1]["freeFrom"].is_null());

  // No cart: zeros, no delivery.
  const Json nothing = ok(get("/v1/cart/totals"));
  EXPECT_EQ(nothing["total"], 0);
  EXPECT_EQ(nothing["shipping"], 0);

  const Json p = product();
  setStock(p["variants"][0]["id"], 10);
  const std::string auth =
      tokenHeader(ok(send("POST", "/v1/cart/items", Json{{"variantId", p["variants"][0]["id"]}}))["cartToken"]);
  // ₦15,000 + ₦2,500 delivery; VAT included: 17,500 × 7.5 / 107.5.
  EXPECT_EQ(ok(get("/v1/cart/totals", {auth})),
            (Json{{"subtotal", 1'500'000}, {"discount", 0}, {"tax", 122'093}, {"shipping", 250'000}, {"total", 1'750'000},
                  {"currency", "NGN"}, {"shippingMethod", "standard"}, {"couponCode", nullptr}, {"taxInclusive", true}}));
  const Json express = ok(get("/v1/cart/totals?shippingMethod=express", {auth}));
  EXPECT_EQ(express["shipping"], 500'000);
  EXPECT_EQ(express["total"], 2'000'000);
  // From ₦50,000 standard delivery is free.
  const std::string line = ok(get("/v1/cart", {auth}))["items"][0]["id"];
  ok(send("PATCH", "/v1/cart/items/" + line, Json{{"quantity", 4}}, {auth}));
  const Json free = ok(get("/v1/cart/totals", {auth}));
  EXPECT_EQ(free["shipping"], 0);
  EXPECT_EQ(free["total"], 6'000'000);

  auto unknown = get("/v1/cart/totals?shippingMethod=drone", {auth});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(fields(unknown), (std::set<std::string>{"shippingMethod"}));
  // No plugin offers coupons here: any code is refused, a blank one ignored.
  auto coupon = get("/v1/cart/totals?couponCode=SALE10", {auth});
  EXPECT_EQ(coupon.status, 422) << coupon.body;
  EXPECT_EQ(code(coupon), "coupon_invalid");
  EXPECT_EQ(fields(coupon), (std::set<std::string>{"couponCode"}));
  EXPECT_EQ(get("/v1/cart/totals?couponCode=%20", {auth}).status, 200);
  EXPECT_EQ(get("/v1/cart/totals?coupon=SALE10", {auth}).status, 400);
  EXPECT_EQ(get("/v1/cart/totals?couponCode=" + std::string(65, 'X'), {auth}).status, 400);
}

TEST_P(CartServe, SignedInCartsAndTheMergeAtSignIn) {
  useRealAuth();
  start(true, "cart:\n  maxQuantityPerLine: 5\n");
  const Json p = product();
  const std::string s = p["variants"][0]["id"], m = p["variants"][1]["id"], l = p["variants"][2]["id"];
  for (const auto& v : {s, m, l}) setStock(v, 50);

  // Ada's own cart: no token issued, the token header is ignored.
  const Json mine = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}, {"quantity", 4}}, {as_.ada}));
  EXPECT_FALSE(mine.contains("cartToken"));
  ok(send("POST", "/v1/cart/items", Json{{"variantId", m}}, {as_.ada}));

  // As a guest on another device, before signing in.
  const Json guest = ok(send("POST", "/v1/cart/items", Json{{"variantId", s}, {"quantity", 3}}));
  const std::string token = guest["cartToken"];
  ok(send("POST", "/v1/cart/items", Json{{"variantId", l}, {"quantity", 2}}, {tokenHeader(token)}));
  EXPECT_EQ(ok(get("/v1/cart", {as_.ada, tokenHeader(token)}))["id"], mine["id"]);

  EXPECT_EQ(send("POST", "/v1/cart/merge", Json{{"cartToken", token}}).status, 401);
  EXPECT_EQ(send("POST", "/v1/cart/merge", Json::object(), {as_.ada}).status, 400);
  const Json merged = ok(send("POST", "/v1/cart/merge", Json{{"cartToken", token}}, {as_.ada}));
  EXPECT_EQ(merged["id"], mine["id"]);
  ASSERT_EQ(merged["items"].size(), 3u);
  EXPECT_EQ(merged["items"][0]["quantity"], 5);  // 4 + 3, capped at 5
  EXPECT_EQ(merged["items"][1]["quantity"], 1);
  EXPECT_EQ(merged["items"][2]["variantId"], l);
  EXPECT_EQ(merged["items"][2]["quantity"], 2);
  // The guest cart is gone: its token names nothing, a second merge is 404.
  EXPECT_TRUE(ok(get("/v1/cart", {tokenHeader(token)}))["id"].is_null());
  auto again = send("POST", "/v1/cart/merge", Json{{"cartToken", token}}, {as_.ada});
  EXPECT_EQ(again.status, 404) << again.body;

  // A user without a cart takes the guest cart over whole.
  const Json g2 = ok(send("POST", "/v1/cart/items", Json{{"variantId", m}, {"quantity", 2}}));
  const std::string bola = as_.bola;
  const Json adopted = ok(send("POST", "/v1/cart/merge", Json{{"cartToken", g2["cartToken"]}}, {bola}));
  EXPECT_EQ(adopted["id"], g2["id"]);
  EXPECT_EQ(ok(get("/v1/cart", {bola}))["items"][0]["quantity"], 2);
  EXPECT_TRUE(ok(get("/v1/cart", {tokenHeader(g2["cartToken"])}))["id"].is_null());
}

TEST_P(CartServe, ConcurrentAddsToOneCartLoseNothing) {
  start(true, "cart:\n  maxQuantityPerLine: 1000\n");
  const Json p = product();
  const std::string s = p["variants"][0]["id"], m = p["variants"][1]["id"];
  setStock(s, 1000);
  setStock(m, 1000);
  // A user's first writes all at once: one cart, every unit counted.
  constexpr int kThreads = 8, kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(server_->base());
      for (int i = 0; i < kEach; ++i) {
        const std::string variant = (i + t) % 2 ? s : m;
        auto r = c.request("POST", "/v1/cart/items", Json{{"variantId", variant}}.dump(), {kJson, as_.ada});
        if (r.status != 200) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const Json cart = ok(get("/v1/cart", {as_.ada}));
  ASSERT_EQ(cart["items"].size(), 2u) << cart.dump();
  EXPECT_EQ(cart["items"][0]["quantity"].get<int>() + cart["items"][1]["quantity"].get<int>(), kThreads * kEach);
  EXPECT_EQ(cart["items"][0]["quantity"], kThreads * kEach / 2);
}

AGAPE_BACKENDS(CartServe);

}  // namespace
}  // namespace agape::test
