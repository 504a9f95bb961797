// The orders plugin through the real binary, with the real catalogue,
// inventory and cart, on SQLite and PostgreSQL: an order placed from the cart
// reserves its stock and empties the cart in one transaction (or changes
// nothing), Idempotency-Key replays (also under concurrency), concurrent
// checkouts of one cart make one order, every status change and who may
// make it, cancellation releasing stock, and expiry when the hold lapses.
// Placing an order, its status changes and its cancellation run with the
// real auth plugin signing the callers in; the other cases with test.tokens.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/api_test.h"
#include "support/small_disk.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "+234 803 555 0101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

// The address with one field set (or added).
Json addressWith(const std::string& key, const Json& value) {
  Json a = kAddress;
  a[key] = value;
  return a;
}

class OrdersServe : public ApiTest {
 protected:
  void start(const std::string& extra = "", bool withMedia = false) {
    std::vector<std::string> plugins = {"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"),
                                        pluginEntry("cart"), pluginEntry("orders"), "test.payer"};
    if (withMedia) plugins.push_back(pluginEntry("media"));
    serve(plugins, "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\n" + extra);
    // One product, ₦15,000, sizes S M L, 5 of each in stock.
    const Json cat = ok(send("POST", "/v1/categories", Json{{"name", "Dresses"}, {"slug", "dresses"}}, {as_.admin}), 201);
    product_ = ok(send("POST", "/v1/products",
                       Json{{"name", "Ankara Wrap Dress"}, {"categoryId", cat["id"]}, {"price", 1'500'000}, {"status", "active"},
                            {"variants", {{{"sku", "ANK-1-S"}, {"size", "S"}}, {{"sku", "ANK-1-M"}, {"size", "M"}},
                                          {{"sku", "ANK-1-L"}, {"size", "L"}}}}},
                       {as_.admin}),
                  201);
    for (const auto& v : product_["variants"])
      ok(send("PATCH", "/v1/admin/inventory/" + v["id"].get<std::string>() + "/stock",
              Json{{"quantity", 5}, {"reason", "count"}}, {as_.admin}));
  }
  std::string variant(int i) const { return product_["variants"][i]["id"]; }

  void addToCart(const std::string& who, int variantIndex, int quantity) {
    ok(send("POST", "/v1/cart/items", Json{{"variantId", variant(variantIndex)}, {"quantity", quantity}}, {who}));
  }
  Json level(int variantIndex) { return ok(get("/v1/admin/inventory/" + variant(variantIndex), {as_.admin})); }
  Json placeOrder() { return placeOrder(as_.ada); }
  Json placeOrder(const std::string& who) {
    return ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"shippingMethod", "standard"}}, {who}), 201);
  }
  Json setStatus(const std::string& id, const Json& body) { return setStatus(id, body, as_.admin); }
  Json setStatus(const std::string& id, const Json& body, const std::string& who) {
    return ok(send("PATCH", "/v1/orders/" + id + "/status", body, {who}));
  }

  Json product_;
};

TEST_P(OrdersServe, AnOrderReservesItsStockAndEmptiesTheCart) {
  useRealAuth();
  start();
  addToCart(as_.ada, 0, 2);
  addToCart(as_.ada, 1, 1);
  const Json totals = ok(get("/v1/cart/totals?shippingMethod=standard", {as_.ada}));
  const Json order = placeOrder();
  EXPECT_EQ(order["status"], "pending");
  EXPECT_EQ(order["userId"], as_.adaId);
  EXPECT_TRUE(std::regex_match(order["number"].get<std::string>(), std::regex("AG-\\d{6}-[0-9A-HJKMNP-TV-Z]{6}")))
      << order["number"];
  ASSERT_EQ(order["items"].size(), 2u);
  EXPECT_EQ(order["items"][0]["sku"], "ANK-1-S");
  EXPECT_EQ(order["items"][0]["quantity"], 2);
  EXPECT_EQ(order["items"][0]["unitPrice"], 1'500'000);
  EXPECT_EQ(order["items"][0]["lineTotal"], 3'000'000);
  for (const char* k : {"subtotal", "discount", "shipping", "tax", "total", "currency", "taxInclusive"})
    EXPECT_EQ(order["totals"][k], totals[k]) << k;
  EXPECT_EQ(order["totals"]["total"], 4'500'000 + 250'000);
  EXPECT_EQ(order["shippingAddress"]["country"], "NG");
  EXPECT_EQ(order["shippingAddress"]["city"], "Lekki");
  EXPECT_TRUE(order["reservationExpiresAt"].is_string());
  EXPECT_EQ(order["version"], 1);

  EXPECT_EQ(ok(get("/v1/cart", {as_.ada}))["items"].size(), 0u);
  EXPECT_EQ(level(0)["reserved"], 2);
  EXPECT_EQ(level(0)["available"], 3);
  EXPECT_EQ(level(1)["reserved"], 1);

  const std::string id = order["id"];
  EXPECT_EQ(ok(get("/v1/orders/" + id, {as_.ada})), order);
  for (const auto& staff : {as_.admin, as_.fulfilment, as_.finance}) EXPECT_EQ(get("/v1/orders/" + id, {staff}).status, 200);
  EXPECT_EQ(get("/v1/orders/" + id, {as_.bola}).status, 404);  // not admitted to exist
  EXPECT_EQ(get("/v1/orders/" + id, {as_.merchant}).status, 404);
  EXPECT_EQ(get("/v1/orders/" + id).status, 401);
  EXPECT_EQ(get("/v1/orders/no-such-order", {as_.admin}).status, 404);

  addToCart(as_.bola, 2, 1);
  placeOrder(as_.bola);
  const Json mine = ok(get("/v1/orders", {as_.ada}));
  EXPECT_EQ(mine["meta"]["total"], 1);
  EXPECT_EQ(mine["data"][0]["id"], id);
  const Json all = ok(get("/v1/orders?limit=1", {as_.finance}));
  EXPECT_EQ(all["meta"]["total"], 2);
  EXPECT_EQ(all["meta"]["totalPages"], 2);
  EXPECT_EQ(all["data"][0]["userId"], as_.bolaId);  // newest first
  EXPECT_EQ(ok(get("/v1/orders?userId=" + as_.adaId, {as_.admin}))["meta"]["total"], 1);
  EXPECT_EQ(ok(get("/v1/orders?status=paid", {as_.admin}))["meta"]["total"], 0);
  EXPECT_EQ(ok(get("/v1/orders?from=2000-01-01&to=2999-01-01T00:00:00Z", {as_.admin}))["meta"]["total"], 2);
  EXPECT_EQ(ok(get("/v1/orders?to=2000-01-01", {as_.admin}))["meta"]["total"], 0);
  EXPECT_EQ(get("/v1/orders?userId=" + as_.bolaId, {as_.ada}).status, 400);
  EXPECT_EQ(get("/v1/orders?status=lost", {as_.admin}).status, 400);
  EXPECT_EQ(get("/v1/orders?from=yesterday", {as_.admin}).status, 400);
  EXPECT_EQ(get("/v1/orders?limit=101", {as_.admin}).status, 400);
}

TEST_P(OrdersServe, RefusalsChangeNothing) {
  start();
  auto empty = send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {as_.ada});
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(code(empty), "cart_empty");
  EXPECT_EQ(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}).status, 401);

  addToCart(as_.ada, 0, 2);
  for (const auto& [body, expected] : std::vector<std::pair<Json, std::set<std::string>>>{
           {Json::object(), {"shippingAddress"}},
           {Json{{"shippingAddress", "12 Admiralty Way"}}, {"shippingAddress"}},
           {Json{{"shippingAddress", {{"fullName", "Ada"}}}},
            {"shippingAddress.phone", "shippingAddress.line1", "shippingAddress.city", "shippingAddress.state"}},
           {Json{{"shippingAddress", addressWith("phone", "call me")}}, {"shippingAddress.phone"}},
           {Json{{"shippingAddress", addressWith("country", "Nigeria")}}, {"shippingAddress.country"}},
           {Json{{"shippingAddress", addressWith("floor", 3)}}, {"shippingAddress.floor"}},
           {Json{{"shippingAddress", kAddress}, {"giftWrap", true}}, {"giftWrap"}},
           {Json{{"shippingAddress", kAddress}, {"shippingMethod", 7}}, {"shippingMethod"}},
           {Json{{"shippingAddress", kAddress}, {"shippingMethod", "drone"}}, {"shippingMethod"}}}) {
    auto r = send("POST", "/v1/orders", body, {as_.ada});
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(fields(r), expected) << body.dump() << " " << r.body;
  }
  auto coupon = send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"couponCode", "SALE10"}}, {as_.ada});
  EXPECT_EQ(coupon.status, 422) << coupon.body;
  EXPECT_EQ(code(coupon), "coupon_invalid");
  EXPECT_EQ(fields(coupon), (std::set<std::string>{"couponCode"}));

  // Someone else takes 4 of the 5: Ada's 2 no longer fit.
  addToCart(as_.bola, 0, 4);
  placeOrder(as_.bola);
  auto short1 = send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {as_.ada});
  EXPECT_EQ(short1.status, 409) << short1.body;
  EXPECT_EQ(code(short1), "out_of_stock");
  EXPECT_EQ(fields(short1), (std::set<std::string>{"items[0].quantity"}));
  // Nothing of the refused attempts landed: Ada's cart is whole, one order exists, 4 reserved.
  EXPECT_EQ(ok(get("/v1/cart", {as_.ada}))["items"][0]["quantity"], 2);
  EXPECT_EQ(ok(get("/v1/orders", {as_.admin}))["meta"]["total"], 1);
  EXPECT_EQ(level(0)["reserved"], 4);
}

TEST_P(OrdersServe, AnIdempotencyKeyReplaysTheFirstResponse) {
  start();
  addToCart(as_.ada, 0, 1);
  const Json body{{"shippingAddress", kAddress}};
  auto first = send("POST", "/v1/orders", body, {as_.ada, "Idempotency-Key: checkout-1"});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = send("POST", "/v1/orders", body, {as_.ada, "Idempotency-Key: checkout-1"});
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json::parse(again.body), Json::parse(first.body));
  // The same request spelled differently (spaces, order of keys) is the same request.
  HttpClient raw(server_->base());
  const auto respelled = raw.request("POST", "/v1/orders", "{ \"shippingAddress\" :\n" + kAddress.dump(2) + " }",
                                     {kJson, as_.ada, "Idempotency-Key: checkout-1"});
  EXPECT_EQ(respelled.status, 201) << respelled.body;
  EXPECT_EQ(Json::parse(respelled.body), Json::parse(first.body));
  auto other = send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"shippingMethod", "express"}},
                    {as_.ada, "Idempotency-Key: checkout-1"});
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(code(other), "idempotency_mismatch");
  // Keys are per user: Bola's "checkout-1" is his own.
  addToCart(as_.bola, 1, 1);
  EXPECT_EQ(send("POST", "/v1/orders", body, {as_.bola, "Idempotency-Key: checkout-1"}).status, 201);
  EXPECT_EQ(send("POST", "/v1/orders", body, {as_.ada, "Idempotency-Key: " + std::string(256, 'k')}).status, 400);

  // Eight retries of one request at once: one order, eight identical answers.
  addToCart(as_.ada, 2, 1);
  std::mutex m;
  std::set<std::string> ids;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      auto r = c.request("POST", "/v1/orders", body.dump(), {kJson, as_.ada, "Idempotency-Key: checkout-2"});
      if (r.status == 201) ++created;
      std::lock_guard<std::mutex> lock(m);
      ids.insert(Json::parse(r.body, nullptr, false).value("id", r.body));
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 8);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(ok(get("/v1/orders", {as_.ada}))["meta"]["total"], 2);
}

// The checkouts queue on the cart's lock; each must read the lines after
// it holds the lock (three rounds: the race is not lost every time).
TEST_P(OrdersServe, ConcurrentCheckoutsOfOneCartMakeOneOrder) {
  start("orders:\n  maxPendingOrders: 0\n");
  for (int round = 1; round <= 3; ++round) {
    addToCart(as_.ada, 0, 1);
    std::atomic<int> created{0}, emptyCart{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        HttpClient c(server_->base());
        auto r = c.request("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}.dump(), {kJson, as_.ada});
        if (r.status == 201) ++created;
        else if (r.status == 422 && code(r) == "cart_empty") ++emptyCart;
        else ++other;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1) << "round " << round;
    EXPECT_EQ(emptyCart.load(), 7) << "round " << round;
    EXPECT_EQ(other.load(), 0) << "round " << round;
    EXPECT_EQ(level(0)["reserved"], round);
  }
}

TEST_P(OrdersServe, StatusChangesFollowTheContractAndMoveStock) {
  useRealAuth();
  start();
  addToCart(as_.ada, 0, 2);
  const std::string id = placeOrder()["id"];
  const std::string path = "/v1/orders/" + id + "/status";

  // Who may: fulfilment not to paid, customers and finance not at all.
  EXPECT_EQ(send("PATCH", path, Json{{"status", "paid"}}, {as_.fulfilment}).status, 403);
  EXPECT_EQ(send("PATCH", path, Json{{"status", "paid"}}, {as_.ada}).status, 403);
  EXPECT_EQ(send("PATCH", path, Json{{"status", "paid"}}, {as_.finance}).status, 403);
  auto skip = send("PATCH", path, Json{{"status", "shipped"}}, {as_.fulfilment});
  EXPECT_EQ(skip.status, 409) << skip.body;
  EXPECT_EQ(code(skip), "invalid_transition");
  EXPECT_EQ(fields(send("PATCH", path, Json{{"status", "flying"}}, {as_.admin})), (std::set<std::string>{"status"}));
  EXPECT_EQ(fields(send("PATCH", path, Json{{"status", "paid"}, {"trackingNumber", "X1"}}, {as_.admin})),
            (std::set<std::string>{"trackingNumber"}));
  auto stale = send("PATCH", path, Json{{"status", "paid"}, {"version", 7}}, {as_.admin});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(code(stale), "version_conflict");

  // Paid: the held units are sold (on hand and reserved both drop).
  const Json paid = setStatus(id, Json{{"status", "paid"}, {"version", 1}});
  EXPECT_EQ(paid["status"], "paid");
  EXPECT_EQ(paid["version"], 2);
  EXPECT_TRUE(paid["reservationExpiresAt"].is_null());
  EXPECT_EQ(level(0)["onHand"], 3);
  EXPECT_EQ(level(0)["reserved"], 0);
  EXPECT_EQ(setStatus(id, Json{{"status", "processing"}}, as_.fulfilment)["status"], "processing");
  const Json shipped = setStatus(id, Json{{"status", "shipped"}, {"trackingNumber", "GIG-4471-LAG"}}, as_.fulfilment);
  EXPECT_EQ(shipped["trackingNumber"], "GIG-4471-LAG");
  // The customer can no longer cancel; delivered, then refunded by an admin only.
  auto late = send("POST", "/v1/orders/" + id + "/cancel", Json::object(), {as_.ada});
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(setStatus(id, Json{{"status", "delivered"}}, as_.fulfilment)["status"], "delivered");
  EXPECT_EQ(send("PATCH", path, Json{{"status", "refunded"}}, {as_.fulfilment}).status, 403);
  EXPECT_EQ(setStatus(id, Json{{"status", "refunded"}, {"reason", "returned: wrong size"}})["status"], "refunded");
  auto final = send("PATCH", path, Json{{"status", "processing"}}, {as_.admin});
  EXPECT_EQ(final.status, 409) << final.body;
  EXPECT_NE(Json::parse(final.body)["detail"].get<std::string>().find("final"), std::string::npos);
  EXPECT_EQ(ok(get("/v1/orders/" + id, {as_.ada}))["version"], 6);  // one per change
}

TEST_P(OrdersServe, CancellingAPendingOrderReleasesItsStock) {
  useRealAuth();
  start();
  addToCart(as_.ada, 0, 3);
  const std::string id = placeOrder()["id"];
  EXPECT_EQ(level(0)["reserved"], 3);
  EXPECT_EQ(send("POST", "/v1/orders/" + id + "/cancel", Json::object(), {as_.bola}).status, 404);
  // Staff who may see the order may not cancel it; only its customer or an admin.
  for (const auto& staff : {as_.fulfilment, as_.finance}) {
    auto refused = send("POST", "/v1/orders/" + id + "/cancel", Json::object(), {staff});
    EXPECT_EQ(refused.status, 403) << refused.body;
  }
  EXPECT_EQ(ok(get("/v1/orders/" + id, {as_.ada}))["status"], "pending");
  const Json cancelled = ok(send("POST", "/v1/orders/" + id + "/cancel", Json{{"reason", "changed my mind"}}, {as_.ada}));
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(level(0)["reserved"], 0);
  EXPECT_EQ(level(0)["onHand"], 5);
  auto twice = send("POST", "/v1/orders/" + id + "/cancel", Json::object(), {as_.ada});
  EXPECT_EQ(twice.status, 409) << twice.body;

  // An admin may cancel a paid order in processing: its sold unit goes back
  // on the shelf (no payments plugin here, so no refund either).
  addToCart(as_.ada, 1, 1);
  const std::string id2 = placeOrder()["id"];
  setStatus(id2, Json{{"status", "paid"}});
  setStatus(id2, Json{{"status", "processing"}}, as_.fulfilment);
  EXPECT_EQ(send("POST", "/v1/orders/" + id2 + "/cancel", Json::object(), {as_.ada}).status, 409);
  EXPECT_EQ(level(1)["onHand"], 4);
  const Json cancelledPaid = ok(send("POST", "/v1/orders/" + id2 + "/cancel", Json::object(), {as_.admin}));
  EXPECT_EQ(cancelledPaid["status"], "cancelled");
  EXPECT_TRUE(cancelledPaid["refund"].is_null());
  EXPECT_EQ(level(1)["onHand"], 5);
  EXPECT_EQ(level(1)["movements"][0]["kind"], "return");
}

TEST_P(OrdersServe, AnOrderExpiresWhenItsReservationLapses) {
  start("orders:\n  reservationTtl: 1m\n");
  addToCart(as_.ada, 0, 2);
  const std::string id = placeOrder()["id"];
  EXPECT_EQ(level(0)["reserved"], 2);
  // The inventory's expiry timer sweeps the hold at its deadline and
  // publishes inventory.reservation_expired; orders turns that into `expired`.
  ASSERT_TRUE(eventually([&] { return ok(get("/v1/orders/" + id, {as_.ada}))["status"] == "expired"; }, 120s))
      << server_->output();
  EXPECT_EQ(level(0)["reserved"], 0);
  auto pay = send("PATCH", "/v1/orders/" + id + "/status", Json{{"status", "paid"}}, {as_.admin});
  EXPECT_EQ(pay.status, 409) << pay.body;
}

TEST_P(OrdersServe, APaymentConfirmedManyTimesAtOnceIsAppliedOnce) {
  start();
  addToCart(as_.ada, 0, 2);
  const std::string id = placeOrder()["id"];
  // Sixteen deliveries of the same confirmation, from as many threads.
  std::mutex m;
  std::map<std::string, int> results;
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      auto r = c.request("POST", "/v1/test/pay", Json{{"orderId", id}, {"reference", "PSK-1"}}.dump(), {kJson});
      std::lock_guard<std::mutex> lock(m);
      ++results[r.status == 200 ? Json::parse(r.body)["result"].get<std::string>() : r.body];
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(results, (std::map<std::string, int>{{"paid", 1}, {"already_paid", 15}}));
  const Json order = ok(get("/v1/orders/" + id, {as_.ada}));
  EXPECT_EQ(order["status"], "paid");
  EXPECT_EQ(order["version"], 2);  // one change
  EXPECT_EQ(level(0)["onHand"], 3);  // sold once
  EXPECT_EQ(level(0)["reserved"], 0);

  // A cancelled order is not payable (the payment must be refunded); nor is an unknown one.
  addToCart(as_.ada, 1, 1);
  const std::string cancelled = placeOrder()["id"];
  ok(send("POST", "/v1/orders/" + cancelled + "/cancel", Json::object(), {as_.ada}));
  EXPECT_EQ(ok(send("POST", "/v1/test/pay", Json{{"orderId", cancelled}, {"reference", "PSK-2"}}))["result"], "not_payable");
  EXPECT_EQ(ok(send("POST", "/v1/test/pay", Json{{"orderId", "nope"}, {"reference", "PSK-3"}}))["result"], "not_payable");
  EXPECT_EQ(level(1)["onHand"], 5);
}

// A PDF's text as poppler's pdftotext reads it.
std::string pdfText(const std::string& pdf, const std::filesystem::path& dir) {
  const auto file = dir / "extract.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  return agape::testing::runCommand("pdftotext -enc UTF-8 '" + file.string() + "' - 2>/dev/null").output;
}

// The file's bytes once it exists (the invoice is kept by a subscriber to
// order.paid, shortly after the payment); "" after 10 s.
std::string keptFile(const std::filesystem::path& file) {
  for (int i = 0; i < 200 && !std::filesystem::exists(file); ++i) std::this_thread::sleep_for(50ms);
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_P(OrdersServe, AnInvoiceIsKeptWhenTheOrderIsPaidAndServedFromWhereItIsKept) {
  start("orders:\n  storeName: Ọjà Adire House\n");
  addToCart(as_.ada, 0, 2);
  const Json o = placeOrder();
  const std::string id = o["id"];
  const std::string path = "/v1/orders/" + id + "/invoice";
  auto early = get(path, {as_.ada});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(code(early), "invalid_state");
  const auto kept = std::filesystem::path(dir_.path()) / "data" / "invoices" / (id + ".pdf");
  EXPECT_FALSE(std::filesystem::exists(kept));

  setStatus(o["id"], Json{{"status", "paid"}});
  const std::string rendered = keptFile(kept);
  ASSERT_EQ(rendered.rfind("%PDF-1.", 0), 0u) << "no invoice kept at " << kept;
  const auto pdf = get(path, {as_.ada});
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  EXPECT_NE(pdf.header("content-disposition").find("invoice-" + o["number"].get<std::string>() + ".pdf"), std::string::npos);
  EXPECT_EQ(pdf.body, rendered);  // served from where it is kept, not drawn again
  const std::string text = pdfText(pdf.body, dir_.path());
  for (const std::string& expected : {"Invoice " + o["number"].get<std::string>(), std::string("Ọjà Adire House"),
                                     std::string("Ada Obi"), std::string("₦32,500.00")})  // 2 × 15,000 + 2,500 delivery
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;

  // Lost (a disk replaced, another instance's directory): drawn again and kept again.
  std::filesystem::remove(kept);
  const auto again = get(path, {as_.finance});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, rendered);  // the same order renders the same bytes
  EXPECT_TRUE(std::filesystem::exists(kept));

  EXPECT_EQ(get(path, {as_.admin}).status, 200);
  EXPECT_EQ(get(path, {as_.fulfilment}).status, 403);
  EXPECT_EQ(get(path, {as_.bola}).status, 404);
  EXPECT_EQ(get(path).status, 401);
}

TEST_P(OrdersServe, ARefundedOrderHasACreditNoteKeptBesideItsInvoice) {
  start("orders:\n  storeName: Ọjà Adire House\n");
  addToCart(as_.ada, 0, 2);
  const Json o = placeOrder();
  const std::string id = o["id"], number = o["number"];
  const std::string path = "/v1/orders/" + id + "/credit-note";
  EXPECT_EQ(code(get(path, {as_.ada})), "invalid_state");  // pending
  setStatus(o["id"], Json{{"status", "paid"}});
  EXPECT_EQ(code(get(path, {as_.ada})), "invalid_state");  // paid, not refunded
  setStatus(o["id"], Json{{"status", "refunded"}, {"reason", "returned"}});

  const auto note = get(path, {as_.ada});
  ASSERT_EQ(note.status, 200) << note.body;
  EXPECT_EQ(note.header("content-type"), "application/pdf");
  EXPECT_NE(note.header("content-disposition").find("credit-note-" + number + ".pdf"), std::string::npos);
  const std::string text = pdfText(note.body, dir_.path());
  for (const std::string& expected : {std::string("CREDIT NOTE"), "Credit note " + number + "-CN for invoice " + number,
                                      std::string("₦32,500.00"), std::string("Credited")})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  const auto kept = std::filesystem::path(dir_.path()) / "data" / "invoices" / (id + "-credit-note.pdf");
  EXPECT_EQ(keptFile(kept), note.body);
  // The invoice of the payment is still there, and still the invoice.
  const auto invoice = get("/v1/orders/" + id + "/invoice", {as_.ada});
  ASSERT_EQ(invoice.status, 200);
  EXPECT_NE(pdfText(invoice.body, dir_.path()).find("Invoice " + number), std::string::npos);
  EXPECT_EQ(get(path, {as_.finance}).status, 200);
  EXPECT_EQ(get(path, {as_.admin}).status, 200);
  EXPECT_EQ(get(path, {as_.fulfilment}).status, 403);
  EXPECT_EQ(get(path, {as_.bola}).status, 404);
  EXPECT_EQ(get(path).status, 401);
}

TEST_P(OrdersServe, OnAFullDiskTheInvoiceIsStillServedAndKeptOnceThereIsRoom) {
  const std::string invoices = dir_.path() + "/invoices";
  SmallDisk disk(invoices);
  if (!disk.mounted()) GTEST_SKIP() << "needs root and tmpfs to make a small disk";
  start("orders:\n  invoices:\n    directory: " + invoices + "\n");
  disk.fill();
  addToCart(as_.ada, 0, 1);
  const Json o = placeOrder();
  const std::string id = o["id"];
  setStatus(o["id"], Json{{"status", "paid"}});
  const auto kept = std::filesystem::path(invoices) / (id + ".pdf");
  std::this_thread::sleep_for(1s);  // the subscriber tried, and failed, to keep it
  EXPECT_FALSE(std::filesystem::exists(kept));

  // The customer still gets it, rendered from the order; the failure is logged.
  const auto pdf = get("/v1/orders/" + id + "/invoice", {as_.ada});
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_NE(pdfText(pdf.body, dir_.path()).find("₦17,500.00"), std::string::npos);  // 15,000 + 2,500 delivery
  EXPECT_TRUE(eventually([&] { return server_->output().find("invoice not kept") != std::string::npos; }))
      << server_->output();
  // Nothing half-written is left: the filler alone.
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(invoices)) files.push_back(f.path().filename());
  EXPECT_EQ(files, std::vector<std::string>{"filler"});

  // Room again: kept (by the subscriber's retry or the next request), the same bytes.
  disk.free();
  ASSERT_TRUE(eventually([&] {
    return std::filesystem::exists(kept) || get("/v1/orders/" + id + "/invoice", {as_.ada}).status != 200;
  }, 20s));
  EXPECT_EQ(keptFile(kept), pdf.body);
}

TEST_P(OrdersServe, WithRenderWhenPaidOffAnInvoiceIsRenderedAtItsFirstRequest) {
  start("orders:\n  invoices:\n    renderWhenPaid: false\n");
  addToCart(as_.ada, 0, 1);
  const Json o = placeOrder();
  const std::string id = o["id"];
  setStatus(o["id"], Json{{"status", "paid"}});
  const auto kept = std::filesystem::path(dir_.path()) / "data" / "invoices" / (id + ".pdf");
  std::this_thread::sleep_for(1s);  // when rendered at payment, it is kept within ~100 ms
  EXPECT_FALSE(std::filesystem::exists(kept));
  const auto pdf = get("/v1/orders/" + id + "/invoice", {as_.ada});
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(keptFile(kept), pdf.body);
}

TEST_P(OrdersServe, WithTheMediaPluginInvoicesAreKeptAsItsPrivateDocuments) {
  start("", /*withMedia=*/true);
  addToCart(as_.ada, 0, 1);
  const Json o = placeOrder();
  const std::string id = o["id"];
  setStatus(o["id"], Json{{"status", "paid"}});
  const auto media = std::filesystem::path(dir_.path()) / "data" / "media";
  const std::string rendered = keptFile(media / "private" / "invoices" / (id + ".pdf"));
  ASSERT_EQ(rendered.rfind("%PDF-1.", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir_.path()) / "data" / "invoices"));
  const auto pdf = get("/v1/orders/" + id + "/invoice", {as_.ada});
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body, rendered);
  // No public URL reaches it: the media files route serves only its own image names.
  EXPECT_EQ(get("/v1/media/files/private%2Finvoices%2F" + id + ".pdf").status, 404);
  EXPECT_EQ(get("/v1/media/files/" + id + ".pdf").status, 404);
}

TEST_P(OrdersServe, StatsCountAndSumByStatusAndPeriod) {
  start();
  addToCart(as_.ada, 0, 1);
  const Json first = placeOrder();
  addToCart(as_.ada, 1, 2);
  const Json second = placeOrder();
  addToCart(as_.bola, 2, 1);
  placeOrder(as_.bola);
  setStatus(first["id"], Json{{"status", "paid"}});
  ok(send("POST", "/v1/orders/" + second["id"].get<std::string>() + "/cancel", Json::object(), {as_.ada}));

  const Json st = ok(get("/v1/orders/stats", {as_.finance}));
  EXPECT_EQ(st["orders"], 3);
  EXPECT_EQ(st["currency"], "NGN");
  EXPECT_EQ(st["byStatus"]["pending"]["count"], 1);
  EXPECT_EQ(st["byStatus"]["paid"]["count"], 1);
  EXPECT_EQ(st["byStatus"]["paid"]["total"], first["totals"]["total"]);
  EXPECT_EQ(st["byStatus"]["cancelled"]["count"], 1);
  EXPECT_EQ(st["byStatus"]["refunded"]["count"], 0);
  EXPECT_EQ(st["revenue"], first["totals"]["total"]);
  EXPECT_EQ(st["paidOrders"], 1);
  EXPECT_EQ(st["averageOrderValue"], first["totals"]["total"]);
  ASSERT_EQ(st["series"].size(), 1u);
  const std::string today = first["createdAt"].get<std::string>().substr(0, 10);
  EXPECT_EQ(st["series"][0]["periodStart"], today);
  EXPECT_EQ(st["series"][0]["orders"], 3);
  EXPECT_EQ(st["series"][0]["revenue"], first["totals"]["total"]);
  const Json month = ok(get("/v1/orders/stats?period=month", {as_.admin}));
  EXPECT_EQ(month["series"][0]["periodStart"], today.substr(0, 8) + "01");
  const Json week = ok(get("/v1/orders/stats?period=week", {as_.admin}));
  EXPECT_LE(week["series"][0]["periodStart"].get<std::string>(), today);
  EXPECT_EQ(ok(get("/v1/orders/stats?from=2001-01-01&to=2001-02-01", {as_.admin}))["orders"], 0);

  for (const auto& who : {as_.fulfilment, as_.merchant, as_.ada}) EXPECT_EQ(get("/v1/orders/stats", {who}).status, 403);
  EXPECT_EQ(get("/v1/orders/stats").status, 401);
  for (const char* bad : {"period=year", "from=2026-02-01&to=2026-01-01", "from=2020-01-01&to=2026-01-01", "from=soon",
                          "colour=red"})
    EXPECT_EQ(get(std::string("/v1/orders/stats?") + bad, {as_.admin}).status, 400) << bad;
}

TEST_P(OrdersServe, CouponsAreManagedByAdminsOnly) {
  start();
  const Json body{{"code", " sale10 "}, {"kind", "percent"}, {"value", 10}, {"maxDiscount", 500'000},
                  {"usageLimit", 100}, {"endsAt", "2999-01-01T00:00:00Z"}};
  for (const auto& who : {as_.merchant, as_.finance, as_.ada}) EXPECT_EQ(send("POST", "/v1/coupons", body, {who}).status, 403);
  EXPECT_EQ(send("POST", "/v1/coupons", body).status, 401);
  const Json c = ok(send("POST", "/v1/coupons", body, {as_.admin}), 201);
  EXPECT_EQ(c["code"], "SALE10");
  EXPECT_EQ(c["kind"], "percent");
  EXPECT_EQ(c["maxDiscount"], 500'000);
  EXPECT_EQ(c["minOrder"], 0);
  EXPECT_TRUE(c["perUserLimit"].is_null());
  EXPECT_TRUE(c["startsAt"].is_null());
  EXPECT_EQ(c["endsAt"], "2999-01-01T00:00:00Z");
  EXPECT_EQ(c["active"], true);
  EXPECT_EQ(c["timesUsed"], 0);
  EXPECT_EQ(c["version"], 1);
  auto dup = send("POST", "/v1/coupons", Json{{"code", "SALE10"}, {"kind", "fixed"}, {"value", 1}}, {as_.admin});
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(code(dup), "duplicate");

  for (const auto& [bad, field] : std::vector<std::pair<Json, std::string>>{
           {Json{{"kind", "fixed"}, {"value", 100}}, "code"},
           {Json{{"code", "no spaces"}, {"kind", "fixed"}, {"value", 100}}, "code"},
           {Json{{"code", "AB"}, {"kind", "fixed"}, {"value", 100}}, "code"},
           {Json{{"code", "HALF"}, {"kind", "half"}, {"value", 50}}, "kind"},
           {Json{{"code", "HALF"}, {"kind", "percent"}, {"value", 150}}, "value"},
           {Json{{"code", "HALF"}, {"kind", "fixed"}, {"value", 0}}, "value"},
           {Json{{"code", "HALF"}, {"kind", "fixed"}, {"value", 5}, {"usageLimit", 0}}, "usageLimit"},
           {Json{{"code", "HALF"}, {"kind", "fixed"}, {"value", 5}, {"startsAt", "soon"}}, "startsAt"},
           {Json{{"code", "HALF"}, {"kind", "fixed"}, {"value", 5}, {"startsAt", "2027-01-02"}, {"endsAt", "2027-01-01"}},
            "endsAt"},
           {Json{{"code", "HALF"}, {"kind", "fixed"}, {"value", 5}, {"colour", "red"}}, "colour"}}) {
    auto r = send("POST", "/v1/coupons", bad, {as_.admin});
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.body;
    EXPECT_EQ(fields(r), (std::set<std::string>{field})) << bad.dump() << " " << r.body;
  }

  const std::string path = "/v1/coupons/" + c["id"].get<std::string>();
  EXPECT_EQ(send("PATCH", path, Json{{"active", false}}, {as_.merchant}).status, 403);
  const Json off = ok(send("PATCH", path, Json{{"active", false}, {"maxDiscount", nullptr}, {"version", 1}}, {as_.admin}));
  EXPECT_EQ(off["active"], false);
  EXPECT_TRUE(off["maxDiscount"].is_null());
  EXPECT_EQ(off["version"], 2);
  EXPECT_EQ(off["value"], 10);
  auto stale = send("PATCH", path, Json{{"active", true}, {"version", 1}}, {as_.admin});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(code(stale), "version_conflict");
  EXPECT_EQ(fields(send("PATCH", path, Json{{"code", "SALE20"}}, {as_.admin})), (std::set<std::string>{"code"}));
  EXPECT_EQ(fields(send("PATCH", path, Json{{"value", 101}}, {as_.admin})), (std::set<std::string>{"value"}));
  // A limit or a date may be cleared with null; what every coupon has may not.
  EXPECT_EQ(fields(send("PATCH", path, Json{{"kind", nullptr}, {"value", nullptr}, {"usageLimit", nullptr}}, {as_.admin})),
            (std::set<std::string>{"kind", "value"}));
  EXPECT_EQ(send("PATCH", "/v1/coupons/nope", Json{{"active", true}}, {as_.admin}).status, 404);

  ok(send("POST", "/v1/coupons", Json{{"code", "FLAT2K"}, {"kind", "fixed"}, {"value", 200'000}}, {as_.admin}), 201);
  const Json page = ok(get("/v1/coupons?limit=1", {as_.admin}));
  EXPECT_EQ(page["meta"]["total"], 2);
  EXPECT_EQ(page["data"][0]["code"], "FLAT2K");  // newest first
  EXPECT_EQ(get("/v1/coupons", {as_.finance}).status, 403);
}

TEST_P(OrdersServe, CouponRulesApplyToTotalsAndOrders) {
  start();
  const auto coupon = [&](const Json& body) { return ok(send("POST", "/v1/coupons", body, {as_.admin}), 201); };
  coupon(Json{{"code", "SALE10"}, {"kind", "percent"}, {"value", 10}, {"maxDiscount", 250'000}, {"perUserLimit", 1}});
  coupon(Json{{"code", "FLAT2K"}, {"kind", "fixed"}, {"value", 200'000}, {"minOrder", 5'000'000}});
  coupon(Json{{"code", "LATER"}, {"kind", "fixed"}, {"value", 100}, {"startsAt", "2999-01-01"}});
  coupon(Json{{"code", "GONE"}, {"kind", "fixed"}, {"value", 100}, {"endsAt", "2001-01-01"}});
  coupon(Json{{"code", "OFF"}, {"kind", "fixed"}, {"value", 100}, {"active", false}});

  addToCart(as_.ada, 0, 2);  // ₦30,000
  const Json t = ok(get("/v1/cart/totals?couponCode=sale10", {as_.ada}));
  EXPECT_EQ(t["couponCode"], "SALE10");
  EXPECT_EQ(t["discount"], 250'000);  // 10 % of ₦30,000 is ₦3,000, capped at ₦2,500
  EXPECT_EQ(t["total"], 3'000'000 - 250'000 + 250'000);
  for (const auto& [code, words] : std::vector<std::pair<std::string, std::string>>{
           {"FLAT2K", "at least \u20a650,000"}, {"LATER", "not valid yet"}, {"GONE", "expired"},
           {"OFF", "not a valid coupon"}, {"NOSUCH", "not a valid coupon"}}) {
    auto r = get("/v1/cart/totals?couponCode=" + code, {as_.ada});
    EXPECT_EQ(r.status, 422) << code << " " << r.body;
    EXPECT_EQ(this->code(r), "coupon_invalid");
    EXPECT_NE(Json::parse(r.body)["detail"].get<std::string>().find(Json::parse("\"" + words + "\"").get<std::string>()),
              std::string::npos) << r.body;
  }

  const Json order =
      ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"couponCode", "Sale10"}}, {as_.ada}), 201);
  EXPECT_EQ(order["couponCode"], "SALE10");
  EXPECT_EQ(order["totals"]["discount"], 250'000);
  // By code: coupons made in the same millisecond list in any order.
  const auto timesUsed = [&](const std::string& code) {
    const Json page = ok(get("/v1/coupons", {as_.admin}));
    for (const auto& c : page["data"])
      if (c["code"] == code) return c["timesUsed"].get<long long>();
    return -1LL;
  };
  EXPECT_EQ(timesUsed("SALE10"), 1);
  // Once per customer: the second order is refused whole.
  addToCart(as_.ada, 1, 1);
  auto again = send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"couponCode", "SALE10"}}, {as_.ada});
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_EQ(code(again), "coupon_invalid");
  EXPECT_EQ(ok(get("/v1/cart", {as_.ada}))["items"].size(), 1u);
  EXPECT_EQ(level(1)["reserved"], 0);
  // Cancelling the pending order gives the use back.
  ok(send("POST", "/v1/orders/" + order["id"].get<std::string>() + "/cancel", Json::object(), {as_.ada}));
  EXPECT_EQ(timesUsed("SALE10"), 0);
  EXPECT_EQ(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"couponCode", "SALE10"}}, {as_.ada}).status, 201);
}

TEST_P(OrdersServe, ACouponsUsageLimitHoldsUnderConcurrentOrders) {
  start();
  ok(send("POST", "/v1/coupons", Json{{"code", "FIRST3"}, {"kind", "fixed"}, {"value", 100'000}, {"usageLimit", 3}},
          {as_.admin}),
     201);
  constexpr int kShoppers = 10;
  std::vector<std::string> tokens;
  for (int i = 0; i < kShoppers; ++i) {
    tokens.push_back("Authorization: Bearer test:u-shopper" + std::to_string(i) + ":customer");
    addToCart(tokens.back(), i % 3, 1);
  }
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kShoppers; ++i)
    threads.emplace_back([&, i] {
      HttpClient c(server_->base());
      auto r = c.request("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"couponCode", "FIRST3"}}.dump(),
                         {kJson, tokens[static_cast<std::size_t>(i)]});
      if (r.status == 201) ++created;
      else if (r.status == 422 && code(r) == "coupon_invalid") ++refused;
      else ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 3);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ok(get("/v1/coupons", {as_.admin}))["data"][0]["timesUsed"], 3);
  EXPECT_EQ(ok(get("/v1/orders", {as_.admin}))["meta"]["total"], 3);
  EXPECT_EQ(level(0)["reserved"].get<int>() + level(1)["reserved"].get<int>() + level(2)["reserved"].get<int>(), 3);
}

AGAPE_BACKENDS(OrdersServe);

}  // namespace
}  // namespace agape::test
