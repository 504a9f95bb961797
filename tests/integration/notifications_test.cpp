// The notifications plugin through the real binary against a fake Resend on
// loopback, on SQLite and PostgreSQL: an order paid through the sandbox
// sends its receipt once, shipping sends the notice with the tracking
// number, a passing provider failure is retried until sent, a refused
// address is marked failed, and the admin list shows it all.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/api_test.h"
#include "support/fake_resend.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kKey = "re_test_agape_5c9e";
const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "08035550101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

class NotificationsServe : public ApiTest {
 protected:
  void start() {
    resend_ = std::make_unique<FakeResend>(kKey);
    serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders"),
           pluginEntry("payments"), pluginEntry("notifications")},
          "catalog:\n  seedDemo: false\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\npayments:\n  provider: sandbox\n"
          "notifications:\n  provider: resend\n  apiKey: " + kKey + "\n  baseUrl: " + resend_->url() +
              "\n  from: Adire House <orders@adire.ng>\n  storefrontUrl: https://shop.adire.ng\n");
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

AGAPE_BACKENDS(NotificationsServe);

// With the real auth plugin: registration and password reset send their
// one-time links, which are not kept once sent.
class AccountEmailsServe : public ApiTest {};

TEST_P(AccountEmailsServe, VerificationAndResetLinksAreSentAndNotKept) {
  FakeResend resend(kKey);
  serve({pluginEntry("auth"), pluginEntry("notifications")},
        "jobs:\n  pollInterval: 100ms\nauth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
            "/keys\n  publicBaseUrl: https://shop.test\nnotifications:\n  provider: resend\n  apiKey: " + kKey +
            "\n  baseUrl: " + resend.url() + "\n  from: Adire House <hello@adire.ng>\n");
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

AGAPE_BACKENDS(AccountEmailsServe);

}  // namespace
}  // namespace agape::test
