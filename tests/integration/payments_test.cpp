// The payments plugin through the real binary against a fake Paystack on
// loopback, on SQLite and PostgreSQL: initialize sends the order's total
// with the secret key; the signed charge.success webhook marks the payment
// and the order paid once, however often and however concurrently it is
// delivered; bad signatures change nothing; verify applies the provider's
// answer; a provider that is down or reports another amount is handled; the
// built-in sandbox pays through its own checkout page. The webhook's payment
// and the refunds run with the real auth plugin signing the callers in; the
// other cases with test.tokens.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <agape/crypto.h>
#include <agape/testing/command.h>

#include "support/api_test.h"
#include "support/fake_paystack.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

const std::string kSecret = "sk_test_agape_fake_4f1c";
const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "08035550101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

class PaymentsServe : public ApiTest {
 protected:
  // `sets`: more `--set key=value` overrides; `sizes`: the product's variants.
  void start(bool sandbox = false, const std::vector<std::string>& sets = {},
             const std::vector<std::string>& sizes = {"S"}) {
    fake_ = std::make_unique<FakePaystack>(kSecret);
    const std::string payments = sandbox ? "payments:\n  provider: sandbox\n"
                                         : "payments:\n  provider: paystack\n  secretKey: " + kSecret +
                                               "\n  baseUrl: " + fake_->url() +
                                               "\n  callbackUrl: https://shop.example.ng/checkout/done\n  timeout: 3s\n"
                                               "  refundSettleAfter: 4s\n";
    serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders"),
           pluginEntry("payments")},
          "catalog:\n  cacheTtl: 0s\n" + payments, sets);
    product_ = stockedProduct(sizes, 10, as_.admin);
    variant_ = product_["variants"][0]["id"];
  }
  // A pending order of Ada's: 2 × ₦15,000 + ₦2,500 delivery.
  Json order() { return order(as_.ada); }
  Json order(const std::string& who) {
    ok(send("POST", "/v1/cart/items", Json{{"variantId", variant_}, {"quantity", 2}}, {who}));
    return ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {who}), 201);
  }
  Json initialize(const std::string& orderId, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> headers = {as_.ada};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return ok(send("POST", "/v1/payments/initialize", Json{{"orderId", orderId}, {"email", "ada@example.ng"}}, headers), 201);
  }
  HttpResult deliver(const FakePaystack::Webhook& w) {
    return client_->request("POST", "/v1/payments/webhook", w.body,
                            {kJson, "x-paystack-signature: " + w.signature});
  }
  Json stock() { return ok(get("/v1/admin/inventory/" + variant_, {as_.admin})); }
  // A paid order of Ada's: {orderId, paymentId, reference}.
  struct Paid {
    std::string orderId, paymentId, reference;
  };
  Paid paidOrder() {
    const std::string orderId = order()["id"];
    const Json init = initialize(orderId);
    EXPECT_EQ(deliver(fake_->pay(init["reference"])).status, 200);
    return {orderId, init["paymentId"], init["reference"]};
  }
  Json orderOf(const std::string& id) { return ok(get("/v1/orders/" + id, {as_.ada})); }
  void crashDuringCancellationRefund(bool reached) {
    start();
    const Paid p = paidOrder();
    fake_->holdRefunds(reached);
    ok(send("POST", "/v1/orders/" + p.orderId + "/cancel", nullptr, {as_.ada}));
    ASSERT_TRUE(eventually([&] { return fake_->heldRefunds() == 1; })) << server_->output();
    server_->kill9();
    fake_->releaseRefunds();
    restart();
    EXPECT_EQ(fake_->refunds().size(), reached ? 1u : 0u);
    const Json settled = settleNow();
    EXPECT_EQ(settled[reached ? "found" : "resent"], 1) << settled.dump();
    ASSERT_EQ(fake_->refunds().size(), 1u);
    EXPECT_EQ(fake_->refunds()[0].amount, 3'250'000);
    // The order.cancelled delivery the crash cut short runs again, and the
    // job settles again: nothing new either way.
    EXPECT_EQ(settleNow()["resent"], 0);
    EXPECT_EQ(fake_->refunds().size(), 1u);
    ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id)).status, 200);
    EXPECT_EQ(orderOf(p.orderId)["status"], "refunded");
    EXPECT_EQ(stock()["onHand"], 10);
  }
  // What the settle job does: asks the provider about refunds whose answer was lost.
  Json settleNow() {
    std::this_thread::sleep_for(std::chrono::milliseconds(4200));  // payments.refundSettleAfter: 4s
    return ok(send("POST", "/v1/admin/payments/reconcile", nullptr, {as_.finance}))["refunds"];
  }

  // The database round trips the access log gives for the last `method path`; -1 when none.
  long long roundTripsOf(const std::string& method, const std::string& path) {
    std::istringstream log(server_->output());
    long long found = -1;
    for (std::string line; std::getline(log, line);)
      if (line.find("\"component\":\"access\"") != std::string::npos &&
          line.find("\"method\":\"" + method + "\",\"path\":\"" + path + "\"") != std::string::npos)
        found = Json::parse(line).value("dbRoundTrips", 0LL);
    return found;
  }

  std::unique_ptr<FakePaystack> fake_;
  Json product_;
  std::string variant_;
};

TEST_P(PaymentsServe, AWebhookPaysTheOrderOnceHoweverOftenItComes) {
  useRealAuth();
  start();
  const Json o = order();
  const std::string orderId = o["id"];
  const Json init = initialize(orderId);
  const std::string reference = init["reference"];
  EXPECT_EQ(init["authorizationUrl"].get<std::string>().rfind("https://checkout.paystack.com/", 0), 0u);
  EXPECT_FALSE(init["accessCode"].get<std::string>().empty());
  // What Paystack received: the order's total in kobo, with the secret key.
  const auto sent = fake_->transaction(reference);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->amount, 3'250'000);
  EXPECT_EQ(sent->amount, o["totals"]["total"]);
  EXPECT_EQ(sent->currency, "NGN");
  EXPECT_EQ(sent->email, "ada@example.ng");
  EXPECT_EQ(sent->callbackUrl, "https://shop.example.ng/checkout/done");
  EXPECT_EQ(sent->metadata["orderId"], orderId);
  EXPECT_EQ(fake_->lastAuthorization(), "Bearer " + kSecret);

  const Json before = ok(get("/v1/payments/" + init["paymentId"].get<std::string>(), {as_.ada}));
  EXPECT_EQ(before["status"], "initialized");
  EXPECT_EQ(before["amount"]["amount"], 3'250'000);

  // Sixteen deliveries of one signed webhook at once: one application.
  const auto hook = fake_->pay(reference);
  std::mutex m;
  std::map<std::string, int> answers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      auto r = c.request("POST", "/v1/payments/webhook", hook.body, {kJson, "x-paystack-signature: " + hook.signature});
      std::lock_guard<std::mutex> lock(m);
      ++answers[std::to_string(r.status) + (r.status == 200 ? (Json::parse(r.body)["duplicate"] == true ? " dup" : " new")
                                                            : " " + r.body)];
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(answers, (std::map<std::string, int>{{"200 new", 1}, {"200 dup", 15}}));

  const Json paid = ok(get("/v1/orders/" + orderId, {as_.ada}));
  EXPECT_EQ(paid["status"], "paid");
  EXPECT_EQ(paid["version"], 2);  // one change
  EXPECT_EQ(stock()["onHand"], 8);
  EXPECT_EQ(stock()["reserved"], 0);
  const Json payment = ok(get("/v1/payments/" + init["paymentId"].get<std::string>(), {as_.ada}));
  EXPECT_EQ(payment["status"], "success");
  EXPECT_EQ(payment["providerTransactionId"], std::to_string(sent->id));
  EXPECT_EQ(payment["channel"], "card");

  // Later redelivery (Paystack retries): still 200, nothing moves.
  EXPECT_EQ(deliver(hook).status, 200);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["version"], 2);
  // A paid order cannot be paid again.
  auto again = send("POST", "/v1/payments/initialize", Json{{"orderId", orderId}, {"email", "ada@example.ng"}}, {as_.ada});
  EXPECT_EQ(again.status, 409) << again.body;
}

// Statements whose result the transaction does not read travel with the
// next one or the COMMIT: a checkout and the webhook that pays it take a
// bounded number of round trips to PostgreSQL, whatever the number of lines
// (SQLite has none; its statements are counted and shown).
TEST_P(PaymentsServe, ACheckoutAndTheWebhookThatPaysItTakeAtMostEightRoundTripsEach) {
  start(false, {"logging.accessLog=true"}, {"S", "M", "L", "XL", "XXL"});
  for (const std::size_t lines : {1u, 5u}) {
    for (std::size_t i = 0; i < lines; ++i)
      ok(send("POST", "/v1/cart/items", Json{{"variantId", product_["variants"][i]["id"]}, {"quantity", 1}}, {as_.ada}));
    const Json o = ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {as_.ada}), 201);
    ASSERT_EQ(o["items"].size(), lines);
    const Json init = initialize(o["id"]);
    ASSERT_EQ(deliver(fake_->pay(init["reference"])).status, 200);
    ASSERT_TRUE(eventually([&] { return roundTripsOf("POST", "/v1/payments/webhook") >= 0; })) << server_->output();
    const long long checkout = roundTripsOf("POST", "/v1/orders");
    const long long webhook = roundTripsOf("POST", "/v1/payments/webhook");
    std::cout << lines << " line(s): checkout " << checkout << ", webhook " << webhook
              << (GetParam() == Backend::Postgres ? " round trips\n" : " statements\n");
    EXPECT_GT(checkout, 0);
    EXPECT_GT(webhook, 0);
    if (GetParam() == Backend::Postgres) {
      EXPECT_LE(checkout, 8);
      EXPECT_LE(webhook, 8);
    }
    EXPECT_EQ(orderOf(o["id"])["status"], "paid");
  }
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(ok(get("/v1/admin/inventory/" + product_["variants"][i]["id"].get<std::string>(), {as_.admin}))["onHand"],
              i == 0 ? 8 : 9);
}

// The shop's /metrics after a checkout paid by webhook (HTTP, database,
// jobs, events, catalogue, stock, orders, payments) is valid exposition
// by Prometheus's own checker; and the checker does refuse a broken page.
TEST_P(PaymentsServe, TheShopsMetricsPassPromtool) {
  start();
  const Json o = order();
  ASSERT_EQ(deliver(fake_->pay(initialize(o["id"])["reference"])).status, 200);
  ASSERT_TRUE(eventually([&] { return get("/v1/orders/" + o["id"].get<std::string>(), {as_.ada}).body.find(
                                          "\"status\":\"paid\"") != std::string::npos; }));
  const auto promtool = [&](const std::string& page) {
    const std::string file = dir_.write("metrics.txt", page);
    const auto checked = agape::testing::runCommand("promtool check metrics < " + file + " 2>&1");
    return std::make_pair(checked.exitCode, checked.output);
  };
  const std::string page = get("/metrics").body;
  ASSERT_NE(page.find("agape_http_requests_total"), std::string::npos);
  const auto [code, output] = promtool(page);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "") << "lint problems";
  EXPECT_NE(promtool(page + "agape_broken{route=\"/x\" 1\n").first, 0) << "promtool found nothing wrong with a broken line";
}

TEST_P(PaymentsServe, ASecondPaymentForAPaidOrderIsFlaggedForRefund) {
  start();
  const std::string orderId = order()["id"];
  // Two checkout tabs: two attempts, both paid.
  const Json first = initialize(orderId);
  const Json second = initialize(orderId);
  EXPECT_NE(first["reference"], second["reference"]);
  EXPECT_EQ(deliver(fake_->pay(first["reference"])).status, 200);
  EXPECT_EQ(deliver(fake_->pay(second["reference"])).status, 200);
  EXPECT_EQ(ok(get("/v1/payments/" + first["paymentId"].get<std::string>(), {as_.ada}))["status"], "success");
  EXPECT_EQ(ok(get("/v1/payments/" + second["paymentId"].get<std::string>(), {as_.ada}))["status"], "refund_due");
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["version"], 2);
  EXPECT_EQ(stock()["onHand"], 8);
  EXPECT_EQ(ok(get("/v1/payments?status=refund_due", {as_.finance}))["meta"]["total"], 1);
}

TEST_P(PaymentsServe, ReconciliationAppliesWhatTheWebhooksLost) {
  start();
  // Two paid orders: one webhook arrives, the other is lost and the shopper
  // never comes back to verify.
  const std::string delivered = order()["id"];
  const std::string lost = order()["id"];
  EXPECT_EQ(deliver(fake_->pay(initialize(delivered)["reference"])).status, 200);
  fake_->pay(initialize(lost)["reference"]);
  EXPECT_EQ(ok(get("/v1/orders/" + lost, {as_.ada}))["status"], "pending");

  for (const auto& who : {as_.ada, as_.fulfilment}) EXPECT_EQ(send("POST", "/v1/admin/payments/reconcile", Json(), {who}).status, 403);
  const Json r = ok(send("POST", "/v1/admin/payments/reconcile", Json(), {as_.finance}));
  EXPECT_EQ(r["checked"], 2);
  EXPECT_EQ(r["applied"], 1);
  EXPECT_EQ(r["unknown"], 0);
  EXPECT_GE(fake_->listRequests(), 2);  // pages until an empty one
  EXPECT_EQ(ok(get("/v1/orders/" + lost, {as_.ada}))["status"], "paid");
  EXPECT_EQ(ok(get("/v1/orders/" + delivered, {as_.ada}))["version"], 2);
  // Again: nothing left to apply.
  EXPECT_EQ(ok(send("POST", "/v1/admin/payments/reconcile", Json(), {as_.admin}))["applied"], 0);
  fake_->failNext(1);
  EXPECT_EQ(send("POST", "/v1/admin/payments/reconcile", Json(), {as_.admin}).status, 503);
}

TEST_P(PaymentsServe, ABadSignatureChangesNothing) {
  start();
  const std::string orderId = order()["id"];
  const std::string reference = initialize(orderId)["reference"];
  auto hook = fake_->pay(reference);
  const std::string body = hook.body;
  for (const auto& headers : std::vector<std::vector<std::string>>{
           {kJson},
           {kJson, "x-paystack-signature: " + std::string(128, '0')},
           {kJson, "x-paystack-signature: " + hexEncode(hmacSha512("sk_test_someone_else", body))},
           {kJson, "x-paystack-signature: " + hook.signature.substr(0, 127)}}) {
    auto r = client_->request("POST", "/v1/payments/webhook", body, headers);
    EXPECT_EQ(r.status, 401) << r.body;
  }
  // The signature covers the raw bytes: the same JSON re-serialised with a space fails.
  std::string spaced = body;
  spaced.insert(1, " ");
  EXPECT_EQ(client_->request("POST", "/v1/payments/webhook", spaced, {kJson, "x-paystack-signature: " + hook.signature}).status,
            401);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "pending");
  // Upper-case hex of the right signature is the same signature.
  std::string upper = hook.signature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(client_->request("POST", "/v1/payments/webhook", body, {kJson, "x-paystack-signature: " + upper}).status, 200);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "paid");
}

TEST_P(PaymentsServe, VerifyAppliesTheProvidersAnswer) {
  start();
  const std::string orderId = order()["id"];
  const Json init = initialize(orderId);
  const std::string reference = init["reference"];
  // Not paid yet: Paystack calls it abandoned (it can still succeed later).
  EXPECT_EQ(ok(get("/v1/payments/verify/" + reference, {as_.ada}))["status"], "abandoned");
  EXPECT_EQ(get("/v1/payments/verify/" + reference, {as_.bola}).status, 404);
  fake_->pay(reference);  // the webhook never arrives
  const Json v = ok(get("/v1/payments/verify/" + reference, {as_.ada}));
  EXPECT_EQ(v["status"], "success");
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "paid");
  EXPECT_EQ(ok(get("/v1/payments/verify/" + reference, {as_.finance}))["status"], "success");
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["version"], 2);
  EXPECT_EQ(get("/v1/payments/verify/AGP-unknown", {as_.ada}).status, 404);

  // Another amount than asked: not applied, flagged.
  const std::string order2 = order()["id"];
  const std::string ref2 = initialize(order2)["reference"];
  EXPECT_EQ(deliver(fake_->pay(ref2, 100)).status, 200);
  EXPECT_EQ(ok(get("/v1/payments/verify/" + ref2, {as_.ada}))["status"], "amount_mismatch");
  EXPECT_EQ(ok(get("/v1/orders/" + order2, {as_.ada}))["status"], "pending");
}

TEST_P(PaymentsServe, TheProviderDownOrTheOrderGoneAreHandled) {
  start();
  const std::string orderId = order()["id"];
  fake_->failNext(1);
  const Json body{{"orderId", orderId}, {"email", "ada@example.ng"}};
  auto down = send("POST", "/v1/payments/initialize", body, {as_.ada, "Idempotency-Key: pay-1"});
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(code(down), "unavailable");
  EXPECT_EQ(ok(get("/v1/payments?status=failed", {as_.ada}))["meta"]["total"], 1);
  // The key was given back: the retry goes through, and its replay is identical.
  auto up = send("POST", "/v1/payments/initialize", body, {as_.ada, "Idempotency-Key: pay-1"});
  ASSERT_EQ(up.status, 201) << up.body;
  auto replay = send("POST", "/v1/payments/initialize", body, {as_.ada, "Idempotency-Key: pay-1"});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(Json::parse(replay.body), Json::parse(up.body));
  EXPECT_EQ(send("POST", "/v1/payments/initialize", Json{{"orderId", orderId}, {"email", "other@example.ng"}},
                 {as_.ada, "Idempotency-Key: pay-1"}).status,
            409);
  // Someone else's order, an unknown one, bad input.
  EXPECT_EQ(send("POST", "/v1/payments/initialize", body, {as_.bola}).status, 404);
  EXPECT_EQ(send("POST", "/v1/payments/initialize", Json{{"orderId", "nope"}, {"email", "ada@example.ng"}}, {as_.ada}).status, 404);
  EXPECT_EQ(fields(send("POST", "/v1/payments/initialize", Json{{"orderId", orderId}, {"email", "ada"}}, {as_.ada})),
            (std::set<std::string>{"email"}));
  EXPECT_EQ(send("POST", "/v1/payments/initialize", body).status, 401);

  // Paid after the order was cancelled: the payment is kept as refund due.
  const std::string reference = Json::parse(up.body)["reference"];
  ok(send("POST", "/v1/orders/" + orderId + "/cancel", Json::object(), {as_.ada}));
  EXPECT_EQ(deliver(fake_->pay(reference)).status, 200);
  EXPECT_EQ(ok(get("/v1/payments/verify/" + reference, {as_.ada}))["status"], "refund_due");
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "cancelled");

  // Lists: one's own; staff all.
  order(as_.bola);
  EXPECT_EQ(ok(get("/v1/payments", {as_.ada}))["meta"]["total"], 2);
  EXPECT_EQ(ok(get("/v1/payments", {as_.bola}))["meta"]["total"], 0);
  EXPECT_EQ(ok(get("/v1/payments?orderId=" + orderId, {as_.finance}))["meta"]["total"], 2);
  EXPECT_EQ(get("/v1/payments/" + std::string(Json::parse(up.body)["paymentId"]), {as_.bola}).status, 404);
}

TEST_P(PaymentsServe, RequestsAreCheckedAgainstTheirContracts) {
  start();
  const std::string orderId = order()["id"];
  const auto problem = [&](const HttpResult& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(code(r), "validation_failed") << r.body;
    return fields(r);
  };
  // Bodies: an unknown field by its path, wrong types, every problem at once.
  EXPECT_EQ(problem(send("POST", "/v1/payments/initialize",
                         Json{{"orderId", orderId}, {"email", "ada@example.ng"}, {"coupon", "X"}}, {as_.ada})),
            (std::set<std::string>{"coupon"}));
  EXPECT_EQ(problem(send("POST", "/v1/payments/initialize", Json{{"orderId", 7}, {"email", nullptr}}, {as_.ada})),
            (std::set<std::string>{"orderId", "email"}));
  EXPECT_EQ(problem(send("POST", "/v1/payments/initialize", Json{{"email", "ada@example.ng"}}, {as_.ada})),
            (std::set<std::string>{"orderId"}));
  const std::string refund = "/v1/payments/nope/refund";
  EXPECT_EQ(problem(send("POST", refund, Json{{"reason", "x"}, {"amount", "100"}}, {as_.finance})),
            (std::set<std::string>{"amount"}));
  EXPECT_EQ(problem(send("POST", refund, Json{{"reason", "x"}, {"note", true}}, {as_.finance})),
            (std::set<std::string>{"note"}));
  EXPECT_EQ(problem(send("POST", refund, Json{{"reason", std::string(501, 'x')}}, {as_.finance})),
            (std::set<std::string>{"reason"}));
  // Queries: unknown parameters, values out of range or not among the allowed.
  EXPECT_EQ(problem(get("/v1/payments?status=paid&limit=0", {as_.ada})), (std::set<std::string>{"status", "limit"}));
  EXPECT_EQ(problem(get("/v1/payments?colour=red", {as_.ada})), (std::set<std::string>{"colour"}));
  EXPECT_EQ(problem(get("/v1/payments?orderId=" + std::string(101, 'a'), {as_.ada})), (std::set<std::string>{"orderId"}));
  EXPECT_EQ(problem(get("/v1/admin/payments/refunds?status=done", {as_.finance})), (std::set<std::string>{"status"}));
  EXPECT_EQ(problem(get("/v1/payments/nope?expand=refunds", {as_.ada})), (std::set<std::string>{"expand"}));
  // An Idempotency-Key that is not one.
  EXPECT_EQ(problem(send("POST", "/v1/payments/initialize", Json{{"orderId", orderId}, {"email", "ada@example.ng"}},
                         {as_.ada, "Idempotency-Key: " + std::string(256, 'k')})),
            (std::set<std::string>{"Idempotency-Key"}));
  EXPECT_EQ(fake_->requests(), 0) << "nothing reached the provider";
}

TEST_P(PaymentsServe, TheSandboxPaysThroughItsCheckoutPage) {
  start(true);
  const std::string orderId = order()["id"];
  const Json init = initialize(orderId);
  const std::string url = init["authorizationUrl"];
  const std::string path = url.substr(url.find("/v1/"));
  EXPECT_EQ(path, "/v1/sandbox/checkout/" + init["reference"].get<std::string>());
  const auto page = get(path);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("32500.00 NGN"), std::string::npos) << page.body;
  EXPECT_EQ(fake_->requests(), 0);  // no network
  auto paid = client_->request("POST", path + "/pay", "", {});
  EXPECT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "paid");
  EXPECT_EQ(ok(get("/v1/payments/verify/" + init["reference"].get<std::string>(), {as_.ada}))["status"], "success");
  // Paying twice changes nothing.
  EXPECT_EQ(client_->request("POST", path + "/pay", "", {}).status, 200);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["version"], 2);
  EXPECT_EQ(get("/v1/sandbox/checkout/AGP-nope").status, 404);
}

TEST_P(PaymentsServe, RefundsInPartsThenInFullRefundTheOrder) {
  useRealAuth();
  start();
  const Json o = order();
  const std::string orderId = o["id"];
  const Json init = initialize(orderId);
  const std::string paymentId = init["paymentId"], reference = init["reference"];
  const std::string path = "/v1/payments/" + paymentId + "/refund";
  // Not before it succeeded.
  auto early = send("POST", path, Json{{"reason", "customer asked"}}, {as_.finance});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(code(early), "invalid_state");
  ASSERT_EQ(deliver(fake_->pay(reference)).status, 200);

  for (const auto& who : {as_.ada, as_.fulfilment, as_.merchant})
    EXPECT_EQ(send("POST", path, Json{{"reason", "x"}}, {who}).status, 403);
  EXPECT_EQ(fields(send("POST", path, Json::object(), {as_.finance})), (std::set<std::string>{"reason"}));
  EXPECT_EQ(fields(send("POST", path, Json{{"reason", "x"}, {"amount", 0}}, {as_.finance})), (std::set<std::string>{"amount"}));
  EXPECT_EQ(fields(send("POST", path, Json{{"reason", "x"}, {"amount", 3'250'001}}, {as_.finance})),
            (std::set<std::string>{"amount"}));
  EXPECT_EQ(send("POST", "/v1/payments/nope/refund", Json{{"reason", "x"}}, {as_.finance}).status, 404);

  // A part: pending until Paystack reports it; the order stays paid.
  const Json part = ok(send("POST", path, Json{{"reason", "one dress returned"}, {"amount", 1'500'000}},
                            {as_.finance, "Idempotency-Key: refund-1"}),
                       202);
  EXPECT_EQ(part["status"], "pending");
  EXPECT_EQ(part["amount"], 1'500'000);
  EXPECT_EQ(part["requestedBy"], as_.financeId);
  ASSERT_EQ(fake_->refunds().size(), 1u);
  EXPECT_EQ(fake_->refunds()[0].transactionReference, reference);
  EXPECT_EQ(fake_->refunds()[0].amount, 1'500'000);
  // The same key again: the first answer, no second refund at Paystack.
  EXPECT_EQ(ok(send("POST", path, Json{{"reason", "one dress returned"}, {"amount", 1'500'000}},
                    {as_.finance, "Idempotency-Key: refund-1"}),
               202)["id"],
            part["id"]);
  EXPECT_EQ(fake_->refunds().size(), 1u);
  const auto processed = fake_->settleRefund(fake_->refunds()[0].id);
  EXPECT_EQ(deliver(processed).status, 200);
  EXPECT_EQ(ok(deliver(processed))["duplicate"], true);
  EXPECT_EQ(ok(get("/v1/payments/" + paymentId, {as_.ada}))["refundedAmount"], 1'500'000);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "paid");

  // The rest, asked five times at once: one refund goes through.
  std::atomic<int> accepted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      auto r = c.request("POST", path, Json{{"reason", "order returned"}}.dump(), {kJson, as_.finance});
      if (r.status == 202) ++accepted;
      else if (r.status == 409 && code(r) == "already_refunded") ++refused;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(refused.load(), 4);
  ASSERT_EQ(fake_->refunds().size(), 2u);
  EXPECT_EQ(fake_->refunds()[1].amount, 1'750'000);
  EXPECT_EQ(deliver(fake_->settleRefund(fake_->refunds()[1].id)).status, 200);
  EXPECT_EQ(ok(get("/v1/payments/" + paymentId, {as_.finance}))["refundedAmount"], 3'250'000);
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "refunded");
}

TEST_P(PaymentsServe, ARefusedRefundCanBeAskedAgain) {
  start();
  const Paid p = paidOrder();
  const std::string path = "/v1/payments/" + p.paymentId + "/refund";
  fake_->refuseRefunds(1);
  auto refused = send("POST", path, Json{{"reason", "customer asked"}}, {as_.admin, "Idempotency-Key: again-1"});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(code(refused), "refund_failed");
  EXPECT_EQ(ok(get("/v1/admin/payments/refunds?status=failed", {as_.finance}))["meta"]["total"], 1);
  // Refused for sure: the amount and the key are free again.
  EXPECT_EQ(ok(send("POST", path, Json{{"reason", "customer asked"}}, {as_.admin, "Idempotency-Key: again-1"}), 202)["amount"],
            3'250'000);
  ASSERT_EQ(fake_->refunds().size(), 1u);
  EXPECT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id)).status, 200);
  EXPECT_EQ(orderOf(p.orderId)["status"], "refunded");
}

TEST_P(PaymentsServe, TheSandboxRefundsAtOnce) {
  start(true);
  const std::string orderId = order()["id"];
  const Json init = initialize(orderId);
  const std::string url = init["authorizationUrl"];
  ASSERT_EQ(client_->request("POST", url.substr(url.find("/v1/")) + "/pay", "", {}).status, 200);
  const Json r = ok(send("POST", "/v1/payments/" + init["paymentId"].get<std::string>() + "/refund",
                         Json{{"reason", "test"}}, {as_.admin}),
                    202);
  EXPECT_EQ(r["status"], "processed");
  EXPECT_EQ(ok(get("/v1/orders/" + orderId, {as_.ada}))["status"], "refunded");
}

TEST_P(PaymentsServe, CancellingAPaidOrderRefundsItOnceAndPutsItsUnitsBack) {
  start();
  const Paid p = paidOrder();
  EXPECT_EQ(stock()["onHand"], 8);
  // Sixteen cancellations at once: one goes through.
  std::atomic<int> cancelled{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      auto r = c.request("POST", "/v1/orders/" + p.orderId + "/cancel", R"({"reason":"changed my mind"})", {kJson, as_.ada});
      if (r.status == 200) ++cancelled;
      else if (r.status == 409) ++refused;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(cancelled.load(), 1);
  EXPECT_EQ(refused.load(), 15);
  // The units are back on the shelf, with a movement naming the order.
  const Json level = stock();
  EXPECT_EQ(level["onHand"], 10);
  EXPECT_EQ(level["reserved"], 0);
  EXPECT_EQ(level["movements"][0]["kind"], "return");
  EXPECT_EQ(level["movements"][0]["onHandDelta"], 2);
  EXPECT_EQ(level["movements"][0]["reference"], "order:" + p.orderId);
  // One refund of the whole payment reaches Paystack, through the outbox.
  ASSERT_TRUE(eventually([&] { return fake_->refunds().size() == 1; })) << server_->output();
  EXPECT_EQ(fake_->refunds()[0].transactionReference, p.reference);
  EXPECT_EQ(fake_->refunds()[0].amount, 3'250'000);
  ASSERT_TRUE(eventually([&] { return orderOf(p.orderId)["refund"] == Json{{"status", "pending"}, {"amount", 0}}; }));
  EXPECT_EQ(orderOf(p.orderId)["status"], "cancelled");
  // Nothing more however often it is settled.
  EXPECT_EQ(settleNow()["resent"], 0);
  EXPECT_EQ(fake_->refunds().size(), 1u);
  // Paystack reports it processed: the order is refunded, revenue keeps nothing of it.
  ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id)).status, 200);
  const Json done = orderOf(p.orderId);
  EXPECT_EQ(done["status"], "refunded");
  EXPECT_EQ(done["refund"], (Json{{"status", "refunded"}, {"amount", 3'250'000}}));
  EXPECT_EQ(ok(get("/v1/orders/stats", {as_.admin}))["revenue"], 0);
  EXPECT_EQ(ok(get("/v1/payments/" + p.paymentId, {as_.finance}))["refundedAmount"], 3'250'000);
  const Json refunds = ok(get("/v1/admin/payments/refunds", {as_.finance}));
  ASSERT_EQ(refunds["meta"]["total"], 1);
  EXPECT_EQ(refunds["data"][0]["origin"], "order.cancelled:" + p.orderId);
  EXPECT_EQ(refunds["data"][0]["requestedBy"], "u-ada");
  // A cancelled order that was never paid cannot be made refunded by hand.
  const std::string unpaid = order()["id"];
  ok(send("POST", "/v1/orders/" + unpaid + "/cancel", nullptr, {as_.ada}));
  EXPECT_EQ(code(send("PATCH", "/v1/orders/" + unpaid + "/status", Json{{"status", "refunded"}}, {as_.admin})),
            "invalid_transition");
}

TEST_P(PaymentsServe, ARefusedCancellationRefundIsVisibleToFinanceAndCanBeAskedAgain) {
  start();
  const Paid p = paidOrder();
  ok(send("POST", "/v1/orders/" + p.orderId + "/cancel", nullptr, {as_.admin}));
  ASSERT_TRUE(eventually([&] { return fake_->refunds().size() == 1; })) << server_->output();
  ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id, false)).status, 200);
  // Not silent: the order says so, finance's list shows it, and the amount is free again.
  EXPECT_EQ(orderOf(p.orderId)["refund"]["status"], "failed");
  EXPECT_EQ(orderOf(p.orderId)["status"], "cancelled");
  const Json failed = ok(get("/v1/admin/payments/refunds?status=failed", {as_.finance}));
  ASSERT_EQ(failed["meta"]["total"], 1);
  EXPECT_EQ(failed["data"][0]["paymentId"], p.paymentId);
  EXPECT_EQ(get("/v1/admin/payments/refunds", {as_.ada}).status, 403);
  const Json again = ok(send("POST", "/v1/payments/" + p.paymentId + "/refund", Json{{"reason", "order cancelled"}},
                             {as_.finance}),
                        202);
  EXPECT_EQ(again["amount"], 3'250'000);
  EXPECT_EQ(orderOf(p.orderId)["refund"]["status"], "pending");
  ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[1].id)).status, 200);
  EXPECT_EQ(orderOf(p.orderId)["status"], "refunded");
}

TEST_P(PaymentsServe, RefundingADuplicatePaymentLeavesTheOrderAlone) {
  start();
  const std::string orderId = order()["id"];
  const Json first = initialize(orderId);
  const Json second = initialize(orderId);
  ASSERT_EQ(deliver(fake_->pay(first["reference"])).status, 200);
  ASSERT_EQ(deliver(fake_->pay(second["reference"])).status, 200);
  const std::string duplicate = second["paymentId"];
  EXPECT_EQ(ok(get("/v1/payments/" + duplicate, {as_.finance}))["status"], "refund_due");
  ok(send("POST", "/v1/payments/" + duplicate + "/refund", Json{{"reason", "paid twice"}}, {as_.finance}), 202);
  ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id)).status, 200);
  EXPECT_EQ(ok(get("/v1/payments/" + duplicate, {as_.finance}))["refundedAmount"], 3'250'000);
  // The first payment's money is kept: the order stays paid, no refund shown.
  const Json o = orderOf(orderId);
  EXPECT_EQ(o["status"], "paid");
  EXPECT_TRUE(o["refund"].is_null()) << o.dump();
  EXPECT_EQ(o["version"], 2);
  EXPECT_EQ(ok(get("/v1/orders/stats", {as_.admin}))["revenue"], 3'250'000);
}

TEST_P(PaymentsServe, ARefundWhoseAnswerWasLostIsNeverSentTwice) {
  start();
  const Paid p = paidOrder();
  const std::string path = "/v1/payments/" + p.paymentId + "/refund";
  // Paystack takes the refund, then the answer is lost (503).
  fake_->loseRefundAnswers(1);
  const Json first = ok(send("POST", path, Json{{"reason", "customer asked"}}, {as_.finance, "Idempotency-Key: r-1"}), 202);
  EXPECT_EQ(first["status"], "pending");
  EXPECT_TRUE(first["failure"].is_string());
  ASSERT_EQ(fake_->refunds().size(), 1u);
  // Asking again sends nothing new: the same key answers with the same
  // refund, another request finds the amount taken.
  EXPECT_EQ(ok(send("POST", path, Json{{"reason", "customer asked"}}, {as_.finance, "Idempotency-Key: r-1"}), 202)["id"],
            first["id"]);
  EXPECT_EQ(code(send("POST", path, Json{{"reason", "customer asked"}}, {as_.finance})), "already_refunded");
  EXPECT_EQ(fake_->refunds().size(), 1u);
  EXPECT_EQ(orderOf(p.orderId)["refund"]["status"], "pending");
  // The settle job asks Paystack and finds it.
  const Json settled = settleNow();
  EXPECT_EQ(settled["found"], 1) << settled.dump();
  EXPECT_EQ(settled["resent"], 0);
  EXPECT_EQ(fake_->refunds().size(), 1u);
  const Json refund = ok(get("/v1/admin/payments/refunds", {as_.finance}))["data"][0];
  EXPECT_EQ(refund["providerRefundId"], std::to_string(fake_->refunds()[0].id));
  EXPECT_TRUE(refund["failure"].is_null());
  ASSERT_EQ(deliver(fake_->settleRefund(fake_->refunds()[0].id)).status, 200);
  EXPECT_EQ(orderOf(p.orderId)["status"], "refunded");
}

TEST_P(PaymentsServe, ARefundThatNeverReachedTheProviderIsSentOnceMore) {
  start();
  const Paid p = paidOrder();
  fake_->failNext(1);  // 503 before anything is created
  const Json first = ok(send("POST", "/v1/payments/" + p.paymentId + "/refund", Json{{"reason", "customer asked"}},
                             {as_.finance}),
                        202);
  EXPECT_EQ(first["status"], "pending");
  EXPECT_TRUE(fake_->refunds().empty());
  const Json settled = settleNow();
  EXPECT_EQ(settled["resent"], 1) << settled.dump();
  ASSERT_EQ(fake_->refunds().size(), 1u);
  EXPECT_EQ(fake_->refunds()[0].amount, 3'250'000);
  // Sent and answered: later runs leave it to the webhook.
  EXPECT_EQ(settleNow()["resent"], 0);
  EXPECT_EQ(fake_->refunds().size(), 1u);
  EXPECT_EQ(ok(get("/v1/admin/payments/refunds", {as_.finance}))["data"][0]["attempts"], 2);
}

TEST_P(PaymentsServe, TwoEqualPartialRefundsAreToldApart) {
  start();
  const Paid p = paidOrder();
  const std::string path = "/v1/payments/" + p.paymentId + "/refund";
  ok(send("POST", path, Json{{"reason", "one dress"}, {"amount", 1'000'000}}, {as_.finance}), 202);
  ok(send("POST", path, Json{{"reason", "the other dress"}, {"amount", 1'000'000}}, {as_.finance}), 202);
  ASSERT_EQ(fake_->refunds().size(), 2u);
  // The second is processed first; its webhook cannot say which of two
  // equal refunds it is: Paystack is asked, and only that one is processed.
  const auto second = fake_->settleRefund(fake_->refunds()[1].id);
  EXPECT_EQ(ok(deliver(second))["duplicate"], false);
  const auto processed = [&] {
    return ok(get("/v1/admin/payments/refunds?status=processed", {as_.finance}))["meta"]["total"].get<int>();
  };
  ASSERT_TRUE(eventually([&] { return processed() == 1; })) << server_->output();
  EXPECT_EQ(ok(get("/v1/admin/payments/refunds?status=processed", {as_.finance}))["data"][0]["providerRefundId"],
            std::to_string(fake_->refunds()[1].id));
  // The first one's webhook is not taken for a redelivery of the second's.
  EXPECT_EQ(ok(deliver(fake_->settleRefund(fake_->refunds()[0].id)))["duplicate"], false);
  EXPECT_EQ(processed(), 2);
  EXPECT_EQ(ok(deliver(second))["duplicate"], true);
  EXPECT_EQ(ok(get("/v1/payments/" + p.paymentId, {as_.finance}))["refundedAmount"], 2'000'000);
  EXPECT_EQ(orderOf(p.orderId)["refund"], (Json{{"status", "partial"}, {"amount", 2'000'000}}));
  EXPECT_EQ(orderOf(p.orderId)["status"], "paid");
  EXPECT_EQ(ok(get("/v1/orders/stats", {as_.admin}))["revenue"], 1'250'000);
}

// kill -9 while the refund call is in flight: Paystack got it (or not);
// after the restart the refund is settled, and Paystack holds exactly one.
TEST_P(PaymentsServe, ACrashAfterPaystackTookTheRefundIsSettledAfterTheRestart) { crashDuringCancellationRefund(true); }
TEST_P(PaymentsServe, ACrashBeforePaystackSawTheRefundIsSettledAfterTheRestart) { crashDuringCancellationRefund(false); }

AGAPE_BACKENDS(PaymentsServe);

}  // namespace
}  // namespace agape::test
