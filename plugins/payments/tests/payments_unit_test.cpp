// The payments: section is decoded strictly; provider reports are parsed
// defensively (amounts as numbers or strings, ids as numbers); the webhook
// signature is HMAC-SHA512 of the raw body (EXTERNAL contract's worked example).
#include <gtest/gtest.h>

#include <agape/crypto.h>
#include <agape/testing/config_text.h>

#include "payments_config.h"
#include "provider.h"

namespace agape::payments {
namespace {

PaymentsConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "payments", decodePaymentsConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "payments", decodePaymentsConfig); }

TEST(PaymentsConfig, SandboxByDefaultPaystackWithAKey) {
  const PaymentsConfig d = decode("other: 1\n");
  EXPECT_EQ(d.provider, "sandbox");
  EXPECT_EQ(d.secretKey, kSandboxSecret);
  const PaymentsConfig p = decode(
      "payments:\n  provider: paystack\n  secretKey: sk_test_abc\n  baseUrl: http://127.0.0.1:9999\n"
      "  callbackUrl: https://shop.example.ng/checkout/done\n  timeout: 5s\n");
  EXPECT_EQ(p.provider, "paystack");
  EXPECT_EQ(p.secretKey, "sk_test_abc");
  EXPECT_EQ(p.baseUrl, "http://127.0.0.1:9999");
  EXPECT_EQ(p.timeout, std::chrono::seconds(5));
}

TEST(PaymentsConfig, RefusesBadValuesNamingTheKey) {
  EXPECT_NE(errorOf("payments:\n  provider: paystack\n").find("payments.provider: the paystack provider needs secretKey"),
            std::string::npos);
  EXPECT_NE(errorOf("payments:\n  provider: paystack\n  secretKey: pk_test_public\n").find("payments.secretKey"),
            std::string::npos);
  EXPECT_NE(errorOf("payments:\n  provider: stripe\n").find("payments.provider"), std::string::npos);
  EXPECT_NE(errorOf("payments:\n  baseUrl: api.paystack.co\n").find("payments.baseUrl"), std::string::npos);
  EXPECT_NE(errorOf("payments:\n  baseUrl: https://api.paystack.co/\n").find("payments.baseUrl"), std::string::npos);
  EXPECT_NE(errorOf("payments:\n  timeout: 5m\n").find("payments.timeout"), std::string::npos);
  EXPECT_NE(errorOf("payments:\n  secret: x\n").find("payments.secret: unknown key"), std::string::npos);
  // A lost refund answer is asked about only once no sending can be in flight.
  EXPECT_NE(errorOf("payments:\n  timeout: 30s\n  refundSettleAfter: 30s\n").find("payments.refundSettleAfter"),
            std::string::npos);
  // Webhook keys outlive Paystack's 72 hours of retries.
  EXPECT_NE(errorOf("payments:\n  retention: 72h\n").find("payments.retention"), std::string::npos);
  EXPECT_NE(errorOf("payments:\n  refundCheckEvery: 10s\n").find("payments.refundCheckEvery"), std::string::npos);
  const PaymentsConfig d = decode("payments:\n  refundSettleAfter: 90s\n  retention: 14d\n");
  EXPECT_EQ(d.refundSettleAfter, std::chrono::seconds(90));
  EXPECT_EQ(d.retention, std::chrono::hours(24 * 14));
}

// The production rule after the decode, as the plugin applies it: the error, or "(accepted)".
std::string productionError(const std::string& yaml) {
  return agape::testing::sectionError(yaml, "payments", [](const ConfigView& section) {
    refuseDevelopmentSettings(decodePaymentsConfig(section), section);
    return 0;
  });
}

TEST(PaymentsConfig, ProductionRefusesTheSandboxAndTestKeys) {
  // Left out, the provider is the sandbox: the message names the key although it has no position.
  EXPECT_EQ(productionError("other: 1\n"),
            "payments.provider: not set, so the sandbox provider (the default) would let anyone mark an order paid; "
            "production needs provider: paystack with a live secretKey (sk_live_...)");
  EXPECT_EQ(productionError("payments:\n  timeout: 5s\n").rfind("payments.provider: not set", 0), 0u);
  EXPECT_EQ(productionError("payments:\n  provider: sandbox\n"),
            "payments.provider: the sandbox provider would let anyone mark an order paid; production needs provider: "
            "paystack with a live secretKey (sk_live_...) (/etc/agape/agape.yaml:2:13)");
  const std::string testKey = productionError("payments:\n  provider: paystack\n  secretKey: sk_test_abc\n");
  EXPECT_EQ(testKey,
            "payments.secretKey: a Paystack test key (sk_test_...) takes no real money; production needs the live "
            "secret key (sk_live_...) (/etc/agape/agape.yaml:3:14)");
  EXPECT_EQ(testKey.find("sk_test_abc"), std::string::npos) << "never the key itself";
  // Without a key the decode itself refuses, in any environment.
  EXPECT_NE(productionError("payments:\n  provider: paystack\n")
                .find("payments.provider: the paystack provider needs secretKey"),
            std::string::npos);
  EXPECT_EQ(productionError("payments:\n  provider: paystack\n  secretKey: sk_live_abc\n"), "(accepted)");
}

TEST(PaystackCharge, ParsedDefensively) {
  const auto c = chargeFromJson(Json::parse(
      R"({"id":4099260516,"status":"success","reference":"re4lyvq3s3","amount":"40333","currency":"NGN",)"
      R"("channel":"card","paid_at":"2024-08-22T09:15:02.000Z","metadata":""})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->providerId, "4099260516");
  EXPECT_EQ(c->amount, 40333);
  EXPECT_EQ(c->status, "success");
  EXPECT_EQ(c->paidAt, "2024-08-22T09:15:02.000Z");
  EXPECT_EQ(chargeFromJson(Json::parse(R"({"reference":"x","amount":"lots"})"))->amount, -1);
  EXPECT_FALSE(chargeFromJson(Json::parse(R"({"amount":1})")));
  EXPECT_FALSE(chargeFromJson(Json::parse("[]")));
}

TEST(PaystackWebhook, SignatureOfTheWorkedExample) {
  const std::string body =
      R"({"event":"charge.success","data":{"reference":"ref_001","amount":500000,"currency":"NGN","status":"success"}})";
  EXPECT_EQ(hexEncode(hmacSha512("sk_test_fake_secret", body)),
            "b73f7391729fcbd396e76e737b90c1b616d69aac3902656788d8b45337ca26a94ed21f47afa867fbfa24a5e947f2130d81972c4b0fbf4c4108c69b46f0fd8439");
}

}  // namespace
}  // namespace agape::payments
