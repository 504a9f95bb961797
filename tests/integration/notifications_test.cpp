// The notifications plugin through the real binary against a fake Resend on
// loopback, on SQLite and PostgreSQL: an order paid through the sandbox
// sends its receipt once, shipping sends the notice with the tracking
// number, a passing provider failure is retried until sent, a refused
// address is marked failed, and the admin list shows it all. Resend's
// signed webhooks move deliveries forward once (raced too) and put bounced
// addresses on the suppression list; staff hear of low stock (once per
// interval, or in a digest) and of payments that need someone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/api_test.h"
#include "support/fake_resend.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kKey = "re_test_agape_5c9e";
const std::string kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "08035550101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

// The number of finished jobs of `queue`, from `agape jobs stats`.
long long doneJobs(const std::string& config, const std::string& queue) {
  const auto stats = runAgape({"jobs", "stats", "--config", config});
  std::istringstream lines(stats.output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cells(line);
    std::string name;
    long long pending = 0, running = 0, done = 0;
    if (cells >> name >> pending >> running >> done && name == queue) return done;
  }
  return 0;
}

// Events of `topic` a subscriber of the server at `base` has taken from the log, from /metrics.
double delivered(const std::string& base, const std::string& subscriber, const std::string& topic) {
  const std::string series = "agape_event_deliveries_total{subscriber=\"" + subscriber + "\",topic=\"" + topic +
                             "\",outcome=\"delivered\"}";
  const std::string text = "\n" + HttpClient(base).get("/metrics").body;
  const auto pos = text.find("\n" + series + " ");
  return pos == std::string::npos ? 0 : std::stod(text.substr(pos + series.size() + 2));
}

class NotificationsServe : public ApiTest {
 protected:
  // `more`: further YAML of the notifications section (two-space indent).
  void start(const std::string& more = "") {
    resend_ = std::make_unique<FakeResend>(kKey);
    serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders"),
           pluginEntry("payments"), pluginEntry("notifications"), pluginEntry("admin")},
          "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\npayments:\n  provider: sandbox\n"
          "notifications:\n  provider: resend\n  apiKey: " + kKey + "\n  baseUrl: " + resend_->url() +
              "\n  from: Adire House <orders@adire.ng>\n  storefrontUrl: https://shop.adire.ng\n"
              "  resend:\n    webhookSecret: " + kWebhookSecret + "\n" + more);
    resend_->webhooksTo(server_->base() + "/v1/webhooks/resend", kWebhookSecret);
    variant_ = stockedProduct({"S"}, 10)["variants"][0]["id"];
  }
  // A paid order of `who`'s, through the sandbox; its id and number.
  Json paidOrder(const std::string& who) {
    ok(send("POST", "/v1/cart/items", Json{{"variantId", variant_}, {"quantity", 1}}, {who}));
    const Json o = ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {who}), 201);
    const Json init = ok(send("POST", "/v1/payments/initialize", Json{{"orderId", o["id"]}}, {who}), 201);
    const std::string url = init["authorizationUrl"];
    EXPECT_EQ(client_->request("POST", url.substr(url.find("/v1/")) + "/pay", "", {}).status, 200);
    return o;
  }
  std::vector<FakeResend::Email> sentTo(const std::string& address) {
    std::vector<FakeResend::Email> out;
    for (const auto& e : resend_->sent())
      if (e.body["to"][0] == address) out.push_back(e);
    return out;
  }
  Json deliveries(const std::string& query = "") { return ok(get("/v1/admin/notifications" + query, {kAdmin})); }

  std::unique_ptr<FakeResend> resend_;
  std::string variant_;
};

TEST_P(NotificationsServe, AReceiptOnPaymentAndANoticeOnShipping) {
  start();
  const Json o = paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 1; }, 30s)) << server_->output();
  const auto receipt = sentTo("u-ada@example.ng")[0];
  EXPECT_EQ(receipt.body["from"], "Adire House <orders@adire.ng>");
  EXPECT_EQ(receipt.body["subject"], "Receipt for order " + o["number"].get<std::string>());
  EXPECT_NE(receipt.body["text"].get<std::string>().find("NGN 17,500.00"), std::string::npos);  // 15,000 + 2,500
  EXPECT_NE(receipt.body["html"].get<std::string>().find("https://shop.adire.ng/orders/" + o["id"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(receipt.body["tags"][0], (Json{{"name", "kind"}, {"value", "order_paid"}}));
  EXPECT_FALSE(receipt.idempotencyKey.empty());

  ok(send("PATCH", "/v1/orders/" + o["id"].get<std::string>() + "/status", Json{{"status", "processing"}}, {kFulfilment}));
  ok(send("PATCH", "/v1/orders/" + o["id"].get<std::string>() + "/status",
          Json{{"status", "shipped"}, {"trackingNumber", "GIG-4471-LAG"}}, {kFulfilment}));
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 2; }, 30s));
  const auto notice = sentTo("u-ada@example.ng")[1];
  EXPECT_EQ(notice.body["subject"], "Order " + o["number"].get<std::string>() + " is on its way");
  EXPECT_NE(notice.body["text"].get<std::string>().find("GIG-4471-LAG"), std::string::npos);

  // The provider answered; its answer is recorded just after.
  ASSERT_TRUE(eventually([&] {
    const Json d = deliveries();
    return d["meta"]["total"] == 2 && d["data"][0]["status"] == "sent" && d["data"][1]["status"] == "sent";
  }, 30s)) << deliveries().dump();
  const Json all = deliveries();
  EXPECT_EQ(all["meta"]["total"], 2);
  EXPECT_EQ(all["data"][0]["kind"], "order_shipped");
  EXPECT_EQ(all["data"][0]["status"], "sent");
  EXPECT_EQ(all["data"][0]["providerMessageId"], notice.id);
  EXPECT_EQ(all["data"][1]["attempts"], 1);
  EXPECT_EQ(deliveries("?kind=order_paid")["meta"]["total"], 1);
  EXPECT_EQ(get("/v1/admin/notifications", {kFinance}).status, 403);
  EXPECT_EQ(get("/v1/admin/notifications?kind=sms", {kAdmin}).status, 400);
  EXPECT_EQ(resend_->sent().size(), 2u);  // nothing sent twice
}

TEST_P(NotificationsServe, AProviderFailureIsRetriedARefusalIsRecorded) {
  start();
  resend_->failNext(2);
  paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 1; }, 60s)) << server_->output();
  const Json d = deliveries("?kind=order_paid")["data"][0];
  EXPECT_EQ(d["status"], "sent");
  EXPECT_EQ(d["attempts"], 3);
  EXPECT_TRUE(d["lastError"].is_null());

  resend_->reject("u-bola@example.ng");
  paidOrder(kBola);
  ASSERT_TRUE(eventually([&] { return deliveries("?status=failed")["meta"]["total"] == 1; }, 30s));
  const Json failed = deliveries("?status=failed")["data"][0];
  EXPECT_EQ(failed["to"], "u-bola@example.ng");
  EXPECT_EQ(failed["attempts"], 1);
  EXPECT_NE(failed["lastError"].get<std::string>().find("validation_error"), std::string::npos);
}

TEST_P(NotificationsServe, ResendWebhooksTrackDeliveriesAndSuppressAHardBounce) {
  start();
  paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 1; }, 30s)) << server_->output();
  ASSERT_TRUE(eventually([&] { return deliveries("?status=sent")["meta"]["total"] == 1; }, 30s));
  const std::string emailId = sentTo("u-ada@example.ng")[0].id;

  const auto delivered = resend_->webhook("email.delivered", emailId);
  const HttpResult first = resend_->deliver(delivered);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Json::parse(first.body), (Json{{"received", true}, {"duplicate", false}}));
  Json d = deliveries("?status=delivered")["data"][0];
  EXPECT_EQ(d["providerMessageId"], emailId);
  EXPECT_EQ(d["lastEvent"], "email.delivered");
  EXPECT_EQ(d["lastEventAt"].get<std::string>().substr(0, 2), "20");
  // Svix redelivers: answered, nothing changes.
  EXPECT_EQ(Json::parse(resend_->deliver(delivered).body)["duplicate"], true);

  // Wrong secret, missing headers, a stale timestamp, a changed body: 401, nothing recorded.
  const auto bounce = resend_->webhook("email.bounced", emailId, {{"bounce", {{"type", "Permanent"}}}});
  auto tampered = bounce;
  tampered.body.replace(tampered.body.find("Permanent"), 9, "Transient");
  const auto stale = resend_->sign("msg_stale", std::to_string(std::time(nullptr) - 600), bounce.body);
  auto unsigned_ = bounce;
  unsigned_.signature.clear();
  auto otherKey = bounce;
  otherKey.signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  for (const auto& bad : {tampered, stale, unsigned_, otherKey}) {
    const HttpResult r = resend_->deliver(bad);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(code(r), "invalid_signature");
  }
  EXPECT_EQ(deliveries("?status=delivered")["meta"]["total"], 1);

  // A permanent bounce, then a late delivered: bounced stays, and the address is suppressed.
  ASSERT_EQ(resend_->deliver(bounce).status, 200);
  ASSERT_EQ(resend_->deliver(resend_->webhook("email.delivered", emailId)).status, 200);
  d = deliveries("?kind=order_paid")["data"][0];
  EXPECT_EQ(d["status"], "bounced");
  const Json suppressions = ok(get("/v1/admin/notifications/suppressions", {kAdmin}));
  ASSERT_EQ(suppressions["meta"]["total"], 1);
  EXPECT_EQ(suppressions["data"][0]["address"], "u-ada@example.ng");
  EXPECT_EQ(suppressions["data"][0]["reason"], "bounced");
  EXPECT_EQ(get("/v1/admin/notifications/suppressions", {kFinance}).status, 403);
  // An email this server never sent: 200, ignored.
  EXPECT_EQ(resend_->deliver(resend_->webhook("email.delivered", "5f0c8e1a-0000-4000-8000-000000000000")).status, 200);

  // The next receipt to that address is not sent.
  paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return deliveries("?status=suppressed")["meta"]["total"] == 1; }, 30s));
  EXPECT_NE(deliveries("?status=suppressed")["data"][0]["lastError"].get<std::string>().find("bounced"), std::string::npos);
  EXPECT_EQ(sentTo("u-ada@example.ng").size(), 1u);

  // Lifted by an admin: mail flows again.
  EXPECT_EQ(send("DELETE", "/v1/admin/notifications/suppressions/u-ada@example.ng", nullptr, {kFinance}).status, 403);
  EXPECT_EQ(send("DELETE", "/v1/admin/notifications/suppressions/U-Ada@example.ng", nullptr, {kAdmin}).status, 204);
  EXPECT_EQ(send("DELETE", "/v1/admin/notifications/suppressions/u-ada@example.ng", nullptr, {kAdmin}).status, 404);
  const Json audit = ok(get("/v1/admin/audit-logs?action=notification.suppression_lifted", {kAdmin}));
  ASSERT_EQ(audit["meta"]["total"], 1);
  EXPECT_EQ(audit["data"][0]["actor"], "u-admin");
  EXPECT_EQ(audit["data"][0]["entityId"], "u-ada@example.ng");
  EXPECT_EQ(audit["data"][0]["details"]["reason"], "bounced");
  paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 2; }, 30s));
}

TEST_P(NotificationsServe, AWebhookDeliveredManyTimesAtOnceIsAppliedOnce) {
  start();
  paidOrder(kAda);
  ASSERT_TRUE(eventually([&] { return sentTo("u-ada@example.ng").size() == 1; }, 30s)) << server_->output();
  // The delivery knows Resend's id once its send is committed; webhooks come after.
  ASSERT_TRUE(eventually([&] { return deliveries("?status=sent")["meta"]["total"] == 1; }, 30s));
  const auto complaint = resend_->webhook("email.complained", sentTo("u-ada@example.ng")[0].id);
  std::atomic<int> applied{0}, duplicates{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      const HttpResult r = resend_->deliver(complaint);
      if (r.status != 200) ++other;
      else if (Json::parse(r.body)["duplicate"] == true) ++duplicates;
      else ++applied;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(duplicates.load(), 15);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(deliveries("?status=complained")["meta"]["total"], 1);
  EXPECT_EQ(ok(get("/v1/admin/notifications/suppressions", {kAdmin}))["data"][0]["reason"], "complained");
}

// Payments' daily job publishes payments.attention_needed; the staff (the
// configured address and the admin) get one email.
TEST_P(NotificationsServe, PaymentsNeedingAttentionAreMailedToTheStaff) {
  start("  staffAlerts:\n    addresses: [finance@adire.ng]\n    roles: [admin]\n");
  // Two checkout tabs, both paid: the second payment is due a refund.
  ok(send("POST", "/v1/cart/items", Json{{"variantId", variant_}, {"quantity", 1}}, {kAda}));
  const Json o = ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {kAda}), 201);
  std::vector<Json> inits;
  for (int i = 0; i < 2; ++i)
    inits.push_back(ok(send("POST", "/v1/payments/initialize", Json{{"orderId", o["id"]}}, {kAda}), 201));
  for (const auto& init : inits) {
    const std::string url = init["authorizationUrl"];
    EXPECT_EQ(client_->request("POST", url.substr(url.find("/v1/")) + "/pay", "", {}).status, 200);
  }
  const std::string duplicate = inits[1]["paymentId"], reference = inits[1]["reference"];
  ASSERT_EQ(ok(get("/v1/payments/" + duplicate, {kFinance}))["status"], "refund_due");

  const std::string config = dir_.path() + "/agape.yaml";
  const auto run = runAgape({"jobs", "run", "payments.attention", "--config", config});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  ASSERT_TRUE(eventually([&] { return sentTo("finance@adire.ng").size() == 1 && sentTo("u-admin@example.ng").size() == 1; },
                         30s))
      << server_->output();
  const auto mail = sentTo("finance@adire.ng")[0];
  EXPECT_EQ(mail.body["subject"], "Payments needing attention: 1 refund due, 0 amount mismatches");
  EXPECT_NE(mail.body["text"].get<std::string>().find(reference + " (order " + o["id"].get<std::string>() +
                                                      "): refund due, NGN 17,500.00 of 17,500.00 not refunded yet"),
            std::string::npos)
      << mail.body["text"];
  EXPECT_EQ(mail.body["tags"][0]["value"], "payments_attention");
  EXPECT_EQ(deliveries("?kind=payments_attention")["meta"]["total"], 2);

  // Refunded: the next run has nothing to say.
  EXPECT_EQ(send("POST", "/v1/payments/" + duplicate + "/refund", Json{{"reason", "second tab"}}, {kFinance}).status, 202);
  ASSERT_EQ(runAgape({"jobs", "run", "payments.attention", "--config", config}).exitCode, 0);
  ASSERT_TRUE(eventually([&] { return doneJobs(config, "payments.attention") == 2; }, 30s));
  EXPECT_EQ(deliveries("?kind=payments_attention")["meta"]["total"], 2);
  EXPECT_EQ(runAgape({"jobs", "run", "payments.nothing", "--config", config}).exitCode, 1);
  EXPECT_EQ(runAgape({"jobs", "run", "payments", "--config", config}).exitCode, 2);
}

AGAPE_BACKENDS(NotificationsServe);

// With the real auth plugin: staff are the configured address and every
// admin; a variant's stock dropping below its threshold mails them once per
// interval, or in the daily digest.
class StaffAlertsServe : public ApiTest {
 protected:
  void start(const std::string& alerts) {
    resend_ = std::make_unique<FakeResend>(kKey);
    serve({pluginEntry("auth"), pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("notifications")},
          "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\nauth:\n  bcryptCost: 4\n"
          "  generateKeys: true\n  keysDir: " + dir_.path() + "/keys\n  publicBaseUrl: https://shop.test\n"
          "notifications:\n  provider: resend\n  apiKey: " + kKey + "\n  baseUrl: " + resend_->url() +
              "\n  from: Adire House <hello@adire.ng>\n  staffAlerts:\n    addresses: [stock@adire.ng]\n"
              "    roles: [admin]\n" + alerts);
    const std::string password = "Kente-weaver-2026!";
    const auto created = runAgape({"users", "create", "--config", config(), "--email", "ops@adire.ng",
                                   "--password-stdin", "--role", "admin"},
                                  {}, password + "\n");
    ASSERT_EQ(created.exitCode, 0) << created.output;
    const Json login = ok(send("POST", "/v1/auth/login", Json{{"email", "ops@adire.ng"}, {"password", password}}));
    admin_ = "Authorization: Bearer " + login["accessToken"].get<std::string>();
    const Json p = stockedProduct({"S", "M"}, 10, admin_);
    small_ = p["variants"][0]["id"];
    medium_ = p["variants"][1]["id"];
  }
  void setStock(const std::string& variant, long long quantity) {
    ok(send("PATCH", "/v1/admin/inventory/" + variant + "/stock", Json{{"quantity", quantity}, {"reason", "count"}},
            {admin_}));
  }
  std::vector<std::string> subjectsTo(const std::string& address) {
    std::vector<std::string> out;
    for (const auto& e : resend_->sent())
      if (e.body["to"][0] == address) out.push_back(e.body["subject"]);
    return out;
  }
  std::string config() const { return dir_.path() + "/agape.yaml"; }

  std::unique_ptr<FakeResend> resend_;
  std::string admin_, small_, medium_;
};

TEST_P(StaffAlertsServe, LowStockMailsTheStaffOncePerInterval) {
  start("    lowStockEvery: 24h\n");
  setStock(small_, 3);  // below the default threshold of 5
  ASSERT_TRUE(eventually([&] { return resend_->sent().size() == 2; }, 30s)) << server_->output();
  for (const auto* address : {"stock@adire.ng", "ops@adire.ng"})
    EXPECT_EQ(subjectsTo(address), std::vector<std::string>{"Low stock: ANK-1-S"}) << address;
  const std::string text = resend_->sent()[0].body["text"];
  EXPECT_NE(text.find("ANK-1-S - Ankara Wrap Dress (size S) is down to 3 units available, below its threshold of 5."),
            std::string::npos)
      << text;
  EXPECT_EQ(resend_->sent()[0].body["tags"][0]["value"], "low_stock");

  // Back up and down again within the interval: no second email (the
  // other variant's alert is the one more).
  setStock(small_, 10);
  setStock(small_, 2);
  setStock(medium_, 1);
  ASSERT_TRUE(eventually([&] { return delivered(server_->base(), "notifications.low-stock-alerts", "inventory.low_stock") == 3; }, 30s));
  ASSERT_TRUE(eventually([&] { return resend_->sent().size() == 4; }, 30s));
  EXPECT_EQ(subjectsTo("stock@adire.ng"), (std::vector<std::string>{"Low stock: ANK-1-S", "Low stock: ANK-1-M"}));
  EXPECT_EQ(subjectsTo("ops@adire.ng"), (std::vector<std::string>{"Low stock: ANK-1-S", "Low stock: ANK-1-M"}));
}

TEST_P(StaffAlertsServe, TheDigestModeSendsOneDailyDigest) {
  start("    lowStockDigest: true\n");
  setStock(small_, 3);
  setStock(medium_, 0);
  ASSERT_TRUE(eventually([&] { return delivered(server_->base(), "notifications.low-stock-alerts", "inventory.low_stock") == 2; }, 30s))
      << server_->output();
  EXPECT_TRUE(resend_->sent().empty());

  const auto run = runAgape({"jobs", "run", "notifications.low_stock_digest", "--config", config()});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  ASSERT_TRUE(eventually([&] { return resend_->sent().size() == 2; }, 30s)) << server_->output();
  EXPECT_EQ(subjectsTo("stock@adire.ng"), std::vector<std::string>{"Low stock: 2 variants"});
  EXPECT_EQ(subjectsTo("ops@adire.ng"), std::vector<std::string>{"Low stock: 2 variants"});
  const std::string text = resend_->sent()[0].body["text"];
  EXPECT_NE(text.find("- ANK-1-S - Ankara Wrap Dress (size S): 3 available (threshold 5)"), std::string::npos) << text;
  EXPECT_NE(text.find("- ANK-1-M - Ankara Wrap Dress (size M): 0 available (threshold 5)"), std::string::npos) << text;

  // Nothing went low since: the next digest sends nothing.
  ASSERT_EQ(runAgape({"jobs", "run", "notifications.low_stock_digest", "--config", config()}).exitCode, 0);
  ASSERT_TRUE(eventually([&] { return doneJobs(config(), "notifications.low_stock_digest") == 2; }, 30s));
  EXPECT_EQ(resend_->sent().size(), 2u);
}

AGAPE_BACKENDS(StaffAlertsServe);

// With the real auth plugin: registration and password reset send their
// one-time links, which are not kept once sent.
// The real auth plugin with notifications through a fake Resend.
class AccountEmailsServe : public ApiTest {
 protected:
  // `more`: further YAML of the notifications section (two-space indent).
  void start(const FakeResend& resend, const std::string& more = "") {
    serve({pluginEntry("auth"), pluginEntry("notifications")},
          "jobs:\n  pollInterval: 100ms\nauth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
              "/keys\n  publicBaseUrl: https://shop.test\nnotifications:\n  provider: resend\n  apiKey: " + kKey +
              "\n  baseUrl: " + resend.url() + "\n  from: Adire House <hello@adire.ng>\n" + more);
  }
};

TEST_P(AccountEmailsServe, VerificationAndResetLinksAreSentAndNotKept) {
  FakeResend resend(kKey);
  start(resend);
  const std::string password = "Kente-weaver-2026!";
  ok(send("POST", "/v1/auth/register",
          Json{{"email", "ada@example.ng"}, {"password", password}, {"firstName", "Ada"}, {"lastName", "Obi"}}),
     201);
  ASSERT_TRUE(eventually([&] { return resend.sent().size() == 1; }, 30s)) << server_->output();
  const auto verify = resend.sent()[0];
  EXPECT_EQ(verify.body["to"][0], "ada@example.ng");
  EXPECT_EQ(verify.body["subject"], "Confirm your email address");
  EXPECT_NE(verify.body["text"].get<std::string>().find("https://shop.test/verify-email?token="), std::string::npos);
  EXPECT_NE(verify.body["html"].get<std::string>().find("Hello Ada,"), std::string::npos);

  EXPECT_EQ(send("POST", "/v1/auth/password-reset-request", Json{{"email", "ada@example.ng"}}).status, 202);
  EXPECT_EQ(send("POST", "/v1/auth/password-reset-request", Json{{"email", "nobody@example.ng"}}).status, 202);
  ASSERT_TRUE(eventually([&] { return resend.sent().size() == 2; }, 30s));
  EXPECT_EQ(resend.sent()[1].body["subject"], "Reset your password");
  EXPECT_NE(resend.sent()[1].body["text"].get<std::string>().find("https://shop.test/reset-password?token="),
            std::string::npos);

  // An admin sees both sent, without their links.
  auto created = runAgape({"users", "create", "--config", dir_.path() + "/agape.yaml", "--email", "ops@example.ng",
                           "--password-stdin", "--role", "admin"},
                          {}, password + "\n");
  ASSERT_EQ(created.exitCode, 0) << created.output;
  const Json login = ok(send("POST", "/v1/auth/login", Json{{"email", "ops@example.ng"}, {"password", password}}));
  const std::string admin = "Authorization: Bearer " + login["accessToken"].get<std::string>();
  ASSERT_TRUE(eventually([&] { return ok(get("/v1/admin/notifications?status=sent", {admin}))["meta"]["total"] == 2; }, 30s));
  for (const auto& d : ok(get("/v1/admin/notifications", {admin}))["data"]) {
    EXPECT_EQ(d["status"], "sent");
    EXPECT_EQ(d["text"].get<std::string>().find("token="), std::string::npos) << d.dump();
  }
  EXPECT_EQ(resend.sent().size(), 2u);
}

// One-time links travel sealed in the event, wait sealed in the delivery
// (here while Resend fails), and are dropped once sent: at no moment does
// the database or the admin API show a token that works — the tokens found
// in the emails still work after every look.
TEST_P(AccountEmailsServe, NoWorkingLinkIsReadableInTheDatabaseOrTheAdminApi) {
  FakeResend resend(kKey);
  start(resend);
  const std::string password = "Kente-weaver-2026!";
  auto created = runAgape({"users", "create", "--config", config_, "--email", "ops@example.ng", "--password-stdin",
                           "--role", "admin"},
                          {}, password + "\n");
  ASSERT_EQ(created.exitCode, 0) << created.output;
  const Json login = ok(send("POST", "/v1/auth/login", Json{{"email", "ops@example.ng"}, {"password", password}}));
  const std::string admin = "Authorization: Bearer " + login["accessToken"].get<std::string>();
  std::vector<std::string> looks;  // what a reader of the database or the admin API saw, at each moment
  auto look = [&] {
    looks.push_back(databaseDump());
    looks.push_back(get("/v1/admin/notifications", {admin}).body);
  };

  resend.failNext(4);  // the two emails wait, queued, through a few retries
  ok(send("POST", "/v1/auth/register",
          Json{{"email", "ada@example.ng"}, {"password", password}, {"firstName", "Ada"}, {"lastName", "Obi"}}),
     201);
  EXPECT_EQ(send("POST", "/v1/auth/password-reset-request", Json{{"email", "ada@example.ng"}}).status, 202);
  ASSERT_TRUE(eventually([&] { return resend.requests() >= 2; }, 30s)) << server_->output();
  look();
  const Json waiting = ok(get("/v1/admin/notifications?kind=password_reset", {admin}));
  ASSERT_EQ(waiting["data"].size(), 1u);
  EXPECT_EQ(waiting["data"][0]["text"], "[sealed: it holds a one-time link]") << waiting.dump();
  ASSERT_TRUE(eventually([&] { return resend.sent().size() == 2; }, 60s)) << server_->output();
  look();

  auto tokenIn = [&](const std::string& subject) {
    for (const auto& e : resend.sent())
      if (e.body["subject"] == subject) {
        const std::string text = e.body["text"];
        const auto at = text.find("token=") + 6;
        return text.substr(at, text.find_first_of(" \n", at) - at);
      }
    return std::string();
  };
  const std::string verifyToken = tokenIn("Confirm your email address"), resetToken = tokenIn("Reset your password");
  ASSERT_EQ(verifyToken.size(), 43u);
  ASSERT_EQ(resetToken.size(), 43u);
  for (const auto& seen : looks) {
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.find(verifyToken), std::string::npos) << seen;
    EXPECT_EQ(seen.find(resetToken), std::string::npos) << seen;
  }
  EXPECT_NE(looks[0].find("sealedLink"), std::string::npos) << "the events were looked at";
  // Both tokens worked all along.
  ok(send("POST", "/v1/auth/verify-email", Json{{"token", verifyToken}}));
  ok(send("POST", "/v1/auth/password-reset", Json{{"token", resetToken}, {"password", "Adire-indigo-2027!"}}));
}

// A suppressed address still gets the mail its account's security needs.
TEST_P(AccountEmailsServe, ASuppressedAddressStillGetsItsPasswordReset) {
  FakeResend resend(kKey);
  start(resend, "  resend:\n    webhookSecret: " + kWebhookSecret + "\n");
  resend.webhooksTo(server_->base() + "/v1/webhooks/resend", kWebhookSecret);
  ok(send("POST", "/v1/auth/register",
          Json{{"email", "ada@example.ng"}, {"password", "Kente-weaver-2026!"}, {"firstName", "Ada"}, {"lastName", "Obi"}}),
     201);
  ASSERT_TRUE(eventually([&] { return resend.sent().size() == 1; }, 30s)) << server_->output();
  ASSERT_EQ(resend.deliver(resend.webhook("email.bounced", resend.sent()[0].id,
                                          {{"bounce", {{"type", "Permanent"}, {"subType", "General"}}}}))
                .status,
            200);
  EXPECT_EQ(send("POST", "/v1/auth/password-reset-request", Json{{"email", "ada@example.ng"}}).status, 202);
  ASSERT_TRUE(eventually([&] { return resend.sent().size() == 2; }, 30s));
  EXPECT_EQ(resend.sent()[1].body["subject"], "Reset your password");
}

AGAPE_BACKENDS(AccountEmailsServe);

}  // namespace
}  // namespace agape::test
