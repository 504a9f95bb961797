// What keeps one account from holding the shop's stock, through the real
// binary on SQLite and PostgreSQL: at most orders.maxPendingOrders pending
// orders per customer (429 with Retry-After beyond; also when one customer's
// checkouts race), and with orders.requireVerifiedEmail orders only from
// verified email addresses (the real auth plugin).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/api_test.h"
#include "support/sealed_link.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "+234 803 555 0101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};
const Json kOrder = {{"shippingAddress", kAddress}};

class OrderLimits : public ApiTest {
 protected:
  void start(const std::string& extra = "") {
    serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders")},
          "catalog:\n  cacheTtl: 0s\n" + extra);
    product_ = stockedProduct({"S", "M", "L"}, 50);
  }
  std::string variant(int i) const { return product_["variants"][i]["id"]; }
  HttpResult addToCart(const std::string& who, int variantIndex, int quantity = 1) {
    return send("POST", "/v1/cart/items", Json{{"variantId", variant(variantIndex)}, {"quantity", quantity}}, {who});
  }
  HttpResult place(const std::string& who, const std::vector<std::string>& extraHeaders = {}) {
    std::vector<std::string> headers = extraHeaders;
    headers.push_back(who);
    return send("POST", "/v1/orders", kOrder, headers);
  }
  long long pendingOf(const std::string& who) {
    return ok(get("/v1/orders?status=pending", {who}))["meta"]["total"].get<long long>();
  }
  long long reserved() {
    long long sum = 0;
    for (int i = 0; i < 3; ++i)
      sum += ok(get("/v1/admin/inventory/" + variant(i), {kAdmin}))["reserved"].get<long long>();
    return sum;
  }
  // Units held by the customer's pending orders.
  long long unitsPendingFor(const std::string& who) {
    long long units = 0;
    const Json page = ok(get("/v1/orders?status=pending&limit=100", {who}));
    for (const auto& order : page["data"])
      for (const auto& item : order["items"]) units += item["quantity"].get<long long>();
    return units;
  }

  Json product_;
};

TEST_P(OrderLimits, AFourthPendingOrderWaitsUntilOneIsPaidCancelledOrExpired) {
  start();
  std::vector<Json> orders;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(addToCart(kAda, i).status, 200);
    orders.push_back(ok(place(kAda, {"Idempotency-Key: order-" + std::to_string(i)}), 201));
  }
  ASSERT_EQ(addToCart(kAda, 0, 2).status, 200);
  const long long held = reserved();

  const HttpResult fourth = place(kAda);
  EXPECT_EQ(fourth.status, 429) << fourth.body;
  EXPECT_EQ(code(fourth), "too_many_pending_orders");
  EXPECT_EQ(fourth.header("content-type"), "application/problem+json");
  EXPECT_NE(Json::parse(fourth.body)["detail"].get<std::string>().find("pay or cancel one"), std::string::npos)
      << fourth.body;
  // Until the first hold of 15 minutes lapses.
  const long long retryAfter = std::stoll(fourth.header("retry-after"));
  EXPECT_GT(retryAfter, 800) << fourth.body;
  EXPECT_LE(retryAfter, 900) << fourth.body;
  // Nothing of the refused order: the cart is whole, no stock held for it.
  EXPECT_EQ(ok(get("/v1/cart", {kAda}))["items"][0]["quantity"], 2);
  EXPECT_EQ(reserved(), held);
  EXPECT_EQ(pendingOf(kAda), 3);

  // A replay of an accepted order still answers as the first time did.
  const HttpResult replay = place(kAda, {"Idempotency-Key: order-1"});
  EXPECT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(Json::parse(replay.body), orders[1]);
  // A new key is refused, and its claim goes with the refusal.
  EXPECT_EQ(place(kAda, {"Idempotency-Key: order-3"}).status, 429);

  // Another customer is not affected.
  ASSERT_EQ(addToCart(kBola, 1).status, 200);
  EXPECT_EQ(place(kBola).status, 201);

  // One cancelled: room for one more, under the key refused before.
  ok(send("POST", "/v1/orders/" + orders[0]["id"].get<std::string>() + "/cancel", Json::object(), {kAda}));
  const Json fourthAgain = ok(place(kAda, {"Idempotency-Key: order-3"}), 201);
  EXPECT_EQ(fourthAgain["status"], "pending");
  ASSERT_EQ(addToCart(kAda, 2).status, 200);
  EXPECT_EQ(place(kAda).status, 429);
  // One paid: room again.
  ok(send("PATCH", "/v1/orders/" + orders[1]["id"].get<std::string>() + "/status", Json{{"status", "paid"}}, {kAdmin}));
  EXPECT_EQ(place(kAda).status, 201);
  EXPECT_EQ(pendingOf(kAda), 3);
}

TEST_P(OrderLimits, ZeroMeansNoCap) {
  start("orders:\n  maxPendingOrders: 0\n");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(addToCart(kAda, i % 3).status, 200);
    EXPECT_EQ(place(kAda).status, 201) << i;
  }
  EXPECT_EQ(pendingOf(kAda), 5);
}

// A customer has one cart, so concurrent checkouts race only when the cart
// is refilled between them: eight clients each add an item and check out, a
// few times over. However they interleave, the cap holds, and a refused
// checkout leaves no stock held.
TEST_P(OrderLimits, ConcurrentCheckoutsOfOneCustomerNeverPassTheCap) {
  start("orders:\n  maxPendingOrders: 2\n");
  std::atomic<int> created{0}, capped{0}, emptyCart{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(server_->base());
      for (int round = 0; round < 4; ++round) {
        c.request("POST", "/v1/cart/items", Json{{"variantId", variant(t % 3)}, {"quantity", 1}}.dump(), {kJson, kAda});
        const HttpResult r = c.request("POST", "/v1/orders", kOrder.dump(), {kJson, kAda});
        if (r.status == 201) ++created;
        else if (r.status == 429 && code(r) == "too_many_pending_orders") ++capped;
        else if (r.status == 422 && code(r) == "cart_empty") ++emptyCart;
        else {
          ++other;
          ADD_FAILURE() << r.status << " " << r.body;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 2);
  EXPECT_GT(capped.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(pendingOf(kAda), 2);
  EXPECT_EQ(reserved(), unitsPendingFor(kAda));
}

AGAPE_BACKENDS(OrderLimits);

// With the real auth plugin: a registered customer orders once their email
// address is verified.
class VerifiedEmail : public ApiTest {
 protected:
  static constexpr const char* kPassword = "Kente-weaver-2026!";

  std::string bearer(const std::string& email) {
    const Json pair = ok(send("POST", "/v1/auth/login", Json{{"email", email}, {"password", kPassword}}));
    return "Authorization: Bearer " + pair["accessToken"].get<std::string>();
  }
};

TEST_P(VerifiedEmail, AnUnverifiedCustomerCannotOrderUntilVerified) {
  serve({pluginEntry("auth"), pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"),
         pluginEntry("orders")},
        authSection() + "catalog:\n  cacheTtl: 0s\norders:\n  requireVerifiedEmail: true\n");
  // An admin from the command line, to stock the shop.
  const std::string variantId = stockedProduct({"M"}, 5, signIn("ops@example.ng", "admin").header)["variants"][0]["id"];

  ok(send("POST", "/v1/auth/register",
          Json{{"email", "ada@example.ng"}, {"password", kPassword}, {"firstName", "Ada"}, {"lastName", "Obi"}}),
     201);
  const std::string ada = bearer("ada@example.ng");
  ok(send("POST", "/v1/cart/items", Json{{"variantId", variantId}, {"quantity", 1}}, {ada}));
  const HttpResult refused = send("POST", "/v1/orders", kOrder, {ada});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(code(refused), "email_not_verified");
  EXPECT_EQ(ok(get("/v1/cart", {ada}))["items"].size(), 1u) << "the cart is left as it was";

  // The link the verification email carries (its event in the outbox).
  const Json requested = Json::parse(queryText("SELECT payload FROM agape_events WHERE topic = "
                                                "'user.email_verification_requested' ORDER BY occurred_at DESC LIMIT 1"));
  const std::string link = openedLink(dir_.path() + "/data", requested);
  ok(send("POST", "/v1/auth/verify-email", Json{{"token", link.substr(link.find("token=") + 6)}}));
  const Json order = ok(send("POST", "/v1/orders", kOrder, {ada}), 201);
  EXPECT_EQ(order["status"], "pending");
}

AGAPE_BACKENDS(VerifiedEmail);

}  // namespace
}  // namespace agape::test
