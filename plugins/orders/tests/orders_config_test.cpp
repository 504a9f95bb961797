// The orders: section is decoded strictly, with messages naming key and place.
#include <gtest/gtest.h>

#include <agape/testing/config_text.h>

#include "orders_config.h"

namespace agape::orders {
namespace {

OrdersConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "orders", decodeOrdersConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "orders", decodeOrdersConfig); }

TEST(OrdersConfig, DefaultsAndEveryKey) {
  const OrdersConfig d = decode("other: 1\n");
  EXPECT_EQ(d.numberPrefix, "AG");
  EXPECT_EQ(d.reservationTtl, std::chrono::minutes(15));
  EXPECT_EQ(d.idempotencyKeyTtl, std::chrono::hours(24));
  const OrdersConfig c = decode("orders:\n  numberPrefix: LAG\n  reservationTtl: 30m\n  idempotencyKeyTtl: 48h\n");
  EXPECT_EQ(c.numberPrefix, "LAG");
  EXPECT_EQ(c.reservationTtl, std::chrono::minutes(30));
  EXPECT_EQ(c.idempotencyKeyTtl, std::chrono::hours(48));
}

TEST(OrdersConfig, PendingCapAndVerifiedEmail) {
  const OrdersConfig d = decode("other: 1\n");
  EXPECT_EQ(d.maxPendingOrders, 3);
  EXPECT_FALSE(d.requireVerifiedEmail.has_value()) << "left to the environment";
  EXPECT_TRUE(verifiedEmailRequired(d, "production"));
  EXPECT_FALSE(verifiedEmailRequired(d, "development"));

  const OrdersConfig off = decode("orders:\n  maxPendingOrders: 0\n  requireVerifiedEmail: false\n");
  EXPECT_EQ(off.maxPendingOrders, 0);
  EXPECT_FALSE(verifiedEmailRequired(off, "production")) << "an explicit false wins";
  const OrdersConfig on = decode("orders:\n  maxPendingOrders: 100\n  requireVerifiedEmail: true\n");
  EXPECT_EQ(on.maxPendingOrders, 100);
  EXPECT_TRUE(verifiedEmailRequired(on, "development")) << "an explicit true wins";
  EXPECT_FALSE(decode("orders:\n  requireVerifiedEmail:\n").requireVerifiedEmail.has_value()) << "null is unset";

  EXPECT_NE(errorOf("orders:\n  maxPendingOrders: 101\n").find("orders.maxPendingOrders"), std::string::npos);
  EXPECT_NE(errorOf("orders:\n  maxPendingOrders: -1\n").find("orders.maxPendingOrders"), std::string::npos);
  EXPECT_NE(errorOf("orders:\n  maxPendingOrders: many\n").find("orders.maxPendingOrders"), std::string::npos);
  EXPECT_NE(errorOf("orders:\n  requireVerifiedEmail: sometimes\n").find("orders.requireVerifiedEmail"),
            std::string::npos);
}

TEST(OrdersConfig, Invoices) {
  const OrdersConfig d = decode("other: 1\n");
  EXPECT_EQ(d.invoiceFont, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  EXPECT_EQ(d.invoiceDirectory, "");
  EXPECT_TRUE(d.renderInvoicesWhenPaid);
  const OrdersConfig c =
      decode("orders:\n  invoices:\n    font: /srv/fonts/NotoSans.ttf\n    directory: /srv/invoices\n    renderWhenPaid: false\n");
  EXPECT_EQ(c.invoiceFont, "/srv/fonts/NotoSans.ttf");
  EXPECT_EQ(c.invoiceDirectory, "/srv/invoices");
  EXPECT_FALSE(c.renderInvoicesWhenPaid);
  EXPECT_NE(errorOf("orders:\n  invoices:\n    fonts: x\n").find("orders.invoices.fonts"), std::string::npos);
}

TEST(OrdersConfig, RefusesBadValuesNamingTheKey) {
  EXPECT_NE(errorOf("orders:\n  numberPrefix: ag\n").find("orders.numberPrefix: must be 1 to 6 capital letters"),
            std::string::npos);
  EXPECT_NE(errorOf("orders:\n  reservationTtl: 30s\n").find("orders.reservationTtl"), std::string::npos);
  EXPECT_NE(errorOf("orders:\n  idempotencyKeyTtl: 90d\n").find("orders.idempotencyKeyTtl"), std::string::npos);
  EXPECT_NE(errorOf("orders:\n  colour: red\n").find("orders.colour: unknown key"), std::string::npos);
}

}  // namespace
}  // namespace agape::orders
