// The notifications: section is decoded strictly; messages carry the event's
// facts, and every value reaches the HTML escaped.
#include <gtest/gtest.h>

#include "messages.h"
#include "notifications_config.h"
#include "section_decode_support.h"

namespace agape::notifications {
namespace {

NotificationsConfig decode(const std::string& y) { return test::decodeSection(y, "notifications", decodeNotificationsConfig); }
std::string errorOf(const std::string& y) { return test::sectionError(y, "notifications", decodeNotificationsConfig); }

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
  const Json user = {{"email", "ada@example.ng"}, {"firstName", "Ada <b>"}, {"link", "https://shop.ng/verify-email?token=a&b"},
                     {"expiresAt", "2026-11-25T10:00:00Z"}};
  const auto v = accountMessage("user.email_verification_requested", user, "Adire House");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, "email_verification");
  EXPECT_EQ(v->to, "ada@example.ng");
  EXPECT_NE(v->text.find("https://shop.ng/verify-email?token=a&b"), std::string::npos);
  EXPECT_NE(v->html.find("href=\"https://shop.ng/verify-email?token=a&amp;b\""), std::string::npos);
  EXPECT_NE(v->html.find("Hello Ada &lt;b&gt;,"), std::string::npos);
  EXPECT_EQ(v->html.find("<b>,"), std::string::npos);
  EXPECT_EQ(accountMessage("user.password_reset_requested", user, "X")->subject, "Reset your password");
  EXPECT_EQ(accountMessage("user.password_changed", user, "X")->kind, "password_changed");
  EXPECT_FALSE(accountMessage("user.registered", user, "X"));
  EXPECT_FALSE(accountMessage("user.password_changed", Json::object(), "X"));

  const Json paid = {{"orderId", "o-1"}, {"number", "AG-261124-7K3QX9"}, {"total", 3'250'000}, {"currency", "NGN"}};
  const auto r = orderMessage("order.paid", paid, "ada@example.ng", "Ada", "Adire House", "https://shop.ng");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subject, "Receipt for order AG-261124-7K3QX9");
  EXPECT_NE(r->text.find("NGN 32,500.00"), std::string::npos);
  EXPECT_NE(r->text.find("https://shop.ng/orders/o-1"), std::string::npos);
  Json shipped = paid;
  shipped["trackingNumber"] = "GIG-4471";
  EXPECT_NE(orderMessage("order.shipped", shipped, "ada@example.ng", "", "A", "https://s")->text.find("GIG-4471"),
            std::string::npos);
  EXPECT_FALSE(orderMessage("order.created", paid, "ada@example.ng", "", "A", "https://s"));
}

}  // namespace
}  // namespace agape::notifications
