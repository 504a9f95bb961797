// The demo stock walks every catalogue variant once, page by page, and
// leaves stocked ones alone.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include <agape/testing/test_database.h>

#include "demo_stock.h"

namespace agape::demo {
namespace {

class FakeVariants final : public catalog::VariantDirectory {
 public:
  std::set<std::string> ids;
  std::vector<catalog::VariantSummary> lookup(Tx&, const std::vector<std::string>&) const override { return {}; }
  std::vector<catalog::VariantSummary> lookupBySku(Tx&, const std::vector<std::string>&) const override { return {}; }
  std::vector<catalog::VariantSummary> page(Tx&, const std::string& afterId, std::size_t limit) const override {
    std::vector<catalog::VariantSummary> out;
    for (auto it = ids.upper_bound(afterId); it != ids.end() && out.size() < limit; ++it)
      out.push_back({*it, "SKU", std::nullopt, std::nullopt, "p", "p", "P", 10'000, true});
    return out;
  }
};

class FakeOpeningStock final : public inventory::OpeningStock {
 public:
  mutable std::map<std::string, long long> levels;
  mutable long long lastCost = 0;
  bool open(Tx&, const std::string& variantId, long long quantity, long long unitCost,
            const std::string& reason) const override {
    EXPECT_EQ(reason, "demo stock");
    lastCost = unitCost;
    return levels.emplace(variantId, quantity).second;
  }
};

TEST(DemoStock, WalksEveryCatalogueVariantOnce) {
  FakeVariants variants;
  for (int i = 0; i < 1203; ++i) variants.ids.insert("demo-" + std::to_string(10000 + i));  // three pages and a bit
  FakeOpeningStock stock;
  stock.levels["demo-10000"] = 2;  // stocked already: left as it is
  agape::testing::TestDatabase database;  // the fakes keep their rows; a transaction to hand them
  Database& db = database.db();
  EXPECT_EQ(db.run([&](Tx& tx) { return seedDemoStock(tx, variants, stock); }), 1202);
  EXPECT_EQ(stock.levels.size(), 1203u);
  EXPECT_EQ(stock.levels["demo-10000"], 2);
  EXPECT_EQ(stock.levels["demo-11202"], demoQuantity("demo-11202"));
  EXPECT_EQ(stock.lastCost, 5'500) << "55 % of the price";
  EXPECT_EQ(db.run([&](Tx& tx) { return seedDemoStock(tx, variants, stock); }), 0) << "a second start adds nothing";
}

TEST(DemoStock, QuantitiesAreStableAndVaried) {
  EXPECT_EQ(demoQuantity("01890000-0000-7000-8000-000000030010"), demoQuantity("01890000-0000-7000-8000-000000030010"));
  int soldOut = 0, low = 0, plenty = 0;
  for (int i = 0; i < 2000; ++i) {
    const long long q = demoQuantity("variant-" + std::to_string(i));
    ASSERT_GE(q, 0);
    ASSERT_LE(q, 40);
    (q == 0 ? soldOut : q < 5 ? low : plenty)++;
  }
  EXPECT_GT(soldOut, 80);
  EXPECT_LT(soldOut, 250);
  EXPECT_GT(low, 150);
  EXPECT_GT(plenty, 1400);
}

}  // namespace
}  // namespace agape::demo
