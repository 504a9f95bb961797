// The inventory: section is decoded strictly, with messages naming key and place.
#include <gtest/gtest.h>

#include <agape/testing/config_text.h>

#include "inventory_config.h"

namespace agape::inventory {
namespace {

InventoryConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "inventory", decodeInventoryConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "inventory", decodeInventoryConfig); }

TEST(InventoryConfig, DefaultsWhenAbsent) {
  const InventoryConfig c = decode("other: 1\n");
  EXPECT_EQ(c.reservationTtl, std::chrono::minutes(15));
  EXPECT_EQ(c.lowStockThreshold, 5);
  EXPECT_EQ(c.expiryBatch, 500);
}

TEST(InventoryConfig, ReadsEveryKey) {
  const InventoryConfig c = decode(
      "inventory:\n"
      "  reservationTtl: 30m\n"
      "  lowStockThreshold: 0\n"
      "  expiryBatch: 50\n");
  EXPECT_EQ(c.reservationTtl, std::chrono::minutes(30));
  EXPECT_EQ(c.lowStockThreshold, 0);
  EXPECT_EQ(c.expiryBatch, 50);
}

TEST(InventoryConfig, RefusesUnknownKeysAndBadValuesWithTheirPlace) {
  EXPECT_EQ(errorOf("inventory:\n  reservationTTL: 5m\n"),
            "inventory.reservationTTL: unknown key (/etc/agape/agape.yaml:2:19)");
  EXPECT_EQ(errorOf("inventory:\n  reservationTtl: 30s\n"),
            "inventory.reservationTtl: must be between 1m and 7d (/etc/agape/agape.yaml:2:19)");
  EXPECT_EQ(errorOf("inventory:\n  reservationTtl: 8d\n"),
            "inventory.reservationTtl: must be between 1m and 7d (/etc/agape/agape.yaml:2:19)");
  EXPECT_EQ(errorOf("inventory:\n  lowStockThreshold: -1\n"),
            "inventory.lowStockThreshold: must be between 0 and 1000000 (/etc/agape/agape.yaml:2:22)");
  EXPECT_NE(errorOf("inventory:\n  expiryBatch: 0\n").find("inventory.expiryBatch: must be between 1 and 100000"),
            std::string::npos);
}

}  // namespace
}  // namespace agape::inventory
