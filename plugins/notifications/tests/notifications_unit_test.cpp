// The notifications: section is decoded strictly; messages carry the event's
// facts, and every value reaches the HTML escaped; Svix signatures are
// checked as the contract's published vector says.
#include <gtest/gtest.h>

#include <agape/testing/config_text.h>

#include "messages.h"
#include "notifications_config.h"
#include "staff_messages.h"
#include "suppressions.h"
#include "svix_signature.h"

namespace agape::notifications {
namespace {

NotificationsConfig decode(const std::string& y) { return agape::testing::decodeSection(y, "notifications", decodeNotificationsConfig); }
std::string errorOf(const std::string& y) { return agape::testing::sectionError(y, "notifications", decodeNotificationsConfig); }

TEST(NotificationsConfig, OutboxByDefaultResendWithAKey) {
  EXPECT_EQ(decode("other: 1\n").provider, "outbox");
  const auto c = decode("notifications:\n  provider: resend\n  apiKey: re_123\n  from: Adire House <hello@adire.ng>\n");
  EXPECT_EQ(c.apiKey, "re_123");
  EXPECT_EQ(displayName(c.from), "Adire House");
  EXPECT_NE(errorOf("notifications:\n  provider: resend\n").find("notifications.provider"), std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  from: nobody\n").find("notifications.from"), std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  storefrontUrl: https://shop.ng/\n").find("notifications.storefrontUrl"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  sender: x\n").find("unknown key"), std::string::npos);
}

TEST(NotificationsMessages, AccountAndOrderEmails) {
  auth::UserEmailVerificationRequested verify;
  verify.userId = "u-1";
  verify.email = "ada@example.ng";
  verify.firstName = "Ada <b>";
  verify.expiresAt = "2026-11-25T10:00:00Z";
  const std::string link = "https://shop.ng/verify-email?token=a&b";
  const auto v = verificationMessage(verify, link, "Adire House");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, "email_verification");
  EXPECT_EQ(v->to, "ada@example.ng");
  EXPECT_NE(v->text.find("https://shop.ng/verify-email?token=a&b"), std::string::npos);
  EXPECT_NE(v->text.find("The link expires at 2026-11-25T10:00:00Z."), std::string::npos);
  EXPECT_NE(v->html.find("href=\"https://shop.ng/verify-email?token=a&amp;b\""), std::string::npos);
  EXPECT_NE(v->html.find("Hello Ada &lt;b&gt;,"), std::string::npos);
  EXPECT_EQ(v->html.find("<b>,"), std::string::npos);
  EXPECT_EQ(passwordResetMessage(auth::UserPasswordResetRequested{verify}, link, "X")->subject, "Reset your password");
  auth::UserPasswordChanged changed;
  changed.email = "ada@example.ng";
  EXPECT_EQ(passwordChangedMessage(changed, "X")->kind, "password_changed");
  EXPECT_FALSE(passwordChangedMessage(auth::UserPasswordChanged{}, "X"));

  orders::OrderPaid paid;
  paid.orderId = "o-1";
  paid.number = "AG-261124-7K3QX9";
  paid.total = 3'250'000;
  paid.currency = "NGN";
  const Customer ada{"ada@example.ng", "Ada"};
  const auto r = receiptMessage(paid, ada, "Adire House", "https://shop.ng");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subject, "Receipt for order AG-261124-7K3QX9");
  EXPECT_NE(r->text.find("NGN 32,500.00"), std::string::npos);
  EXPECT_NE(r->text.find("https://shop.ng/orders/o-1"), std::string::npos);
  orders::OrderShipped shipped{paid};
  shipped.trackingNumber = "GIG-4471";
  EXPECT_NE(shippedMessage(shipped, ada, "A", "https://s")->text.find("GIG-4471"), std::string::npos);
  EXPECT_FALSE(receiptMessage(paid, Customer{}, "A", "https://s"));
}

TEST(NotificationsConfig, WebhookSecretAndStaffAlerts) {
  const auto d = decode("other: 1\n");
  EXPECT_TRUE(d.webhookSecret.empty());
  EXPECT_TRUE(d.staffAlerts.addresses.empty());
  EXPECT_EQ(d.staffAlerts.roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(d.staffAlerts.lowStockEvery, std::chrono::hours(24));
  EXPECT_FALSE(d.staffAlerts.lowStockDigest);

  const auto c = decode(
      "notifications:\n  resend:\n    webhookSecret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
      "  staffAlerts:\n    addresses: [ops@adire.ng, Stock@Adire.ng]\n    roles: [admin, merchant]\n"
      "    lowStockEvery: 6h\n    lowStockDigest: true\n");
  EXPECT_EQ(c.webhookSecret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  EXPECT_EQ(c.staffAlerts.addresses, (std::vector<std::string>{"ops@adire.ng", "Stock@Adire.ng"}));
  EXPECT_EQ(c.staffAlerts.roles, (std::vector<std::string>{"admin", "merchant"}));
  EXPECT_EQ(c.staffAlerts.lowStockEvery, std::chrono::hours(6));
  EXPECT_TRUE(c.staffAlerts.lowStockDigest);
  EXPECT_TRUE(decode("notifications:\n  staffAlerts:\n    roles: []\n").staffAlerts.roles.empty());

  // The secret is never repeated in the message.
  const std::string bad = errorOf("notifications:\n  resend:\n    webhookSecret: re_not_a_secret\n");
  EXPECT_NE(bad.find("notifications.resend.webhookSecret: must be the webhook's signing secret"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("re_not_a_secret"), std::string::npos) << bad;
  EXPECT_NE(errorOf("notifications:\n  resend:\n    webhookSecret: whsec_***\n").find("webhookSecret"), std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  resend:\n    apiKey: re_1\n").find("notifications.resend.apiKey: unknown key"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  staffAlerts:\n    addresses: [ops]\n")
                .find("notifications.staffAlerts.addresses[0]: must be a bare email address"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  staffAlerts:\n    addresses: [Ops <ops@a.ng>]\n").find("addresses[0]"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  staffAlerts:\n    roles: [Admin]\n").find("notifications.staffAlerts.roles[0]"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  staffAlerts:\n    lowStockEvery: 10s\n")
                .find("notifications.staffAlerts.lowStockEvery: must be between 1m and 30d"),
            std::string::npos);
  EXPECT_NE(errorOf("notifications:\n  staffAlerts:\n    every: 1h\n").find("unknown key"), std::string::npos);
}

// EXTERNAL-CONTRACTS' published Svix vector (recomputed independently).
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr const char* kTimestamp = "1614265330";
constexpr const char* kBody = R"({"test": 2432232314})";
constexpr const char* kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr long long kAt = 1614265330;

TEST(SvixSignature, ThePublishedVector) {
  const SvixVerifier v(kSecret);
  EXPECT_EQ(v.sign(kId, kTimestamp, kBody), kSignature);
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, kBody, kAt), SvixVerifier::Result::Valid);
  // Several signatures (a secret being rotated): any one that matches.
  EXPECT_EQ(v.verify(kId, kTimestamp, std::string("v1,bm9wZQ== ") + kSignature + " v2,whatever", kBody, kAt),
            SvixVerifier::Result::Valid);
  EXPECT_EQ(v.verify(kId, kTimestamp, "v1,bm9wZQ== v1,c2Vjb25k", kBody, kAt), SvixVerifier::Result::NoMatch);
}

TEST(SvixSignature, AnythingElseIsRefused) {
  const SvixVerifier v(kSecret);
  using R = SvixVerifier::Result;
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, R"({"test": 2432232315})", kAt), R::NoMatch);
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, R"({"test":2432232314})", kAt), R::NoMatch) << "re-serialised";
  EXPECT_EQ(v.verify("msg_other", kTimestamp, kSignature, kBody, kAt), R::NoMatch);
  // The signature without its version, or under another version.
  EXPECT_EQ(v.verify(kId, kTimestamp, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", kBody, kAt), R::NoMatch);
  EXPECT_EQ(v.verify(kId, kTimestamp, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", kBody, kAt), R::NoMatch);
  EXPECT_EQ(SvixVerifier("whsec_c2Vjb25kLXNlY3JldA==").verify(kId, kTimestamp, kSignature, kBody, kAt), R::NoMatch);
  EXPECT_EQ(v.verify(std::nullopt, kTimestamp, kSignature, kBody, kAt), R::Missing);
  EXPECT_EQ(v.verify(kId, "", kSignature, kBody, kAt), R::Missing);
  EXPECT_EQ(v.verify(kId, kTimestamp, std::nullopt, kBody, kAt), R::Missing);
  // Five minutes either way, no more.
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, kBody, kAt + 300), R::Valid);
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, kBody, kAt - 300), R::Valid);
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, kBody, kAt + 301), R::StaleTimestamp);
  EXPECT_EQ(v.verify(kId, kTimestamp, kSignature, kBody, kAt - 301), R::StaleTimestamp);
  EXPECT_EQ(v.verify(kId, "1614265330.5", kSignature, kBody, kAt), R::StaleTimestamp);
  EXPECT_EQ(v.verify(kId, "-1614265330", kSignature, kBody, kAt), R::StaleTimestamp);
  EXPECT_FALSE(svixKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_FALSE(svixKey("whsec_"));
  EXPECT_FALSE(svixKey("whsec_not base64"));
}

TEST(NotificationsMessages, StaffAlertsAreEscaped) {
  const LowStockLine line{.variantId = "v-1", .sku = "ANK-1-S", .product = "Ankara <Wrap> & Dress",
                          .options = "size S", .available = 3, .threshold = 5, .lowAtMs = 1'795'000'000'000};
  const Message one = lowStockMessage(line, "Adire House");
  EXPECT_EQ(one.kind, "low_stock");
  EXPECT_EQ(one.subject, "Low stock: ANK-1-S");
  EXPECT_NE(one.text.find("ANK-1-S - Ankara <Wrap> & Dress (size S) is down to 3 units available, below its threshold of 5."),
            std::string::npos)
      << one.text;
  EXPECT_NE(one.html.find("Ankara &lt;Wrap&gt; &amp; Dress"), std::string::npos);
  EXPECT_EQ(one.html.find("<Wrap>"), std::string::npos);
  EXPECT_NE(lowStockMessage({.variantId = "v-9", .available = 1, .threshold = 2}, "A").text.find("Variant v-9 is down to 1 unit"),
            std::string::npos);

  const Message digest = lowStockDigestMessage({line, {.variantId = "v-2", .available = 0, .threshold = 5}}, 3, "A");
  EXPECT_EQ(digest.kind, "low_stock_digest");
  EXPECT_EQ(digest.subject, "Low stock: 5 variants");
  EXPECT_NE(digest.text.find("- Variant v-2: 0 available (threshold 5)"), std::string::npos) << digest.text;
  EXPECT_NE(digest.text.find("And 3 more variants, in the next digest."), std::string::npos);
  EXPECT_NE(digest.html.find("<li>ANK-1-S - Ankara &lt;Wrap&gt; &amp; Dress (size S): 3 available"), std::string::npos);

  using payments::AttentionStatus;
  const payments::PaymentsAttentionNeeded attention{
      .counts = {.refundDue = 1, .amountMismatch = 1},
      .payments = {{.reference = "AGP-<1>", .orderId = "o-1", .status = AttentionStatus::RefundDue,
                    .amount = 3'250'000, .outstanding = 1'250'000, .currency = "NGN"},
                   {.reference = "AGP-2", .orderId = "o-2", .status = AttentionStatus::AmountMismatch, .amount = 500,
                    .outstanding = 0, .currency = "NGN"}},
      .truncated = false};
  const Message p = paymentsAttentionMessage(attention, "A");
  EXPECT_EQ(p.kind, "payments_attention");
  EXPECT_EQ(p.subject, "Payments needing attention: 1 refund due, 1 amount mismatch");
  EXPECT_NE(p.text.find("- AGP-<1> (order o-1): refund due, NGN 12,500.00 of 32,500.00 not refunded yet"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("- AGP-2 (order o-2): amount mismatch, NGN 5.00"), std::string::npos);
  EXPECT_NE(p.html.find("AGP-&lt;1&gt;"), std::string::npos);
}

TEST(Suppressions, OnlyTheAccountsSecurityMailIsEssential) {
  for (const char* kind : {"email_verification", "password_reset", "password_changed"}) EXPECT_TRUE(isEssential(kind));
  for (const char* kind : {"order_paid", "order_shipped", "low_stock", "low_stock_digest", "payments_attention"})
    EXPECT_FALSE(isEssential(kind));
  EXPECT_EQ(normalizeAddress("  Ada@Example.NG "), "ada@example.ng");
}

}  // namespace
}  // namespace agape::notifications
