// Admin adjustments and reads against a real database: deltas and absolute
// counts, expected versions, all-or-nothing lists, audit entries, the
// low-stock list and the statistics.
#include "inventory_test_support.h"
#include "level_queries.h"

namespace agape::inventory::testing {
namespace {

Adjustment line(const std::string& variantId, std::optional<long long> delta, std::optional<long long> quantity,
                std::optional<long long> version = std::nullopt) {
  Adjustment a;
  a.variantId = variantId;
  a.delta = delta;
  a.quantity = quantity;
  a.version = version;
  a.reason = "recount";
  return a;
}

class AdjustmentsTest : public InventoryDbTest {
 protected:
  AdjustmentResult apply(const std::vector<Adjustment>& lines) {
    AdjustmentResult result;
    try {
      db_->run([&](Tx& tx) {
        result = adjuster_->apply(tx, variants_, lines, "u-admin", "req-7", "inventory.bulk_adjust");
        if (!result.failures.empty()) throw std::runtime_error("refused");  // what the route does: roll back
      });
    } catch (const std::runtime_error&) {
    }
    return result;
  }
};

TEST_P(AdjustmentsTest, DeltasAndAbsoluteCountsWithTheirVersion) {
  variants_.ids = {"a"};
  auto r = apply({line("a", std::nullopt, 12, 0)});  // version 0: no level yet
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(r.levels[0].onHand, 12);
  EXPECT_EQ(r.levels[0].version, 1);
  r = apply({line("a", -2, std::nullopt, 1)});
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(r.levels[0].onHand, 10);
  EXPECT_EQ(r.levels[0].version, 2);

  r = apply({line("a", 5, std::nullopt, 1)});
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].kind, AdjustmentFailure::Kind::VersionConflict);
  EXPECT_EQ(r.failures[0].field, "version");
  EXPECT_EQ(level("a").onHand, 10);

  const auto movements = db_->read([&](Tx& tx) {
    return tx.query("SELECT kind, on_hand_delta, reason, actor, reference, level_version FROM inventory_movements "
                    "WHERE variant_id = 'a' ORDER BY id");
  });
  ASSERT_EQ(movements.size(), 2u);
  EXPECT_EQ(movements[1].text("kind"), "adjust");
  EXPECT_EQ(movements[1].integer("on_hand_delta"), -2);
  EXPECT_EQ(movements[1].text("reason"), "recount");
  EXPECT_EQ(movements[1].text("actor"), "u-admin");
  EXPECT_EQ(movements[1].text("reference"), "req-7");
  EXPECT_EQ(movements[1].integer("level_version"), 2);

  auto page = ctx_->audit().query({.entity = "inventory_level", .entityId = "a"});
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.entries[0].actor, "u-admin");
  EXPECT_EQ(page.entries[0].action, "inventory.bulk_adjust");
  EXPECT_EQ(Json::parse(page.entries[0].details),
            (Json{{"reason", "recount"}, {"onHand", {{"from", 12}, {"to", 10}}}, {"version", 2}, {"delta", -2}}));
}

TEST_P(AdjustmentsTest, OnHandNeverDropsBelowZeroOrBelowWhatIsReserved) {
  stock("a", 5);
  reserve({"order", "1"}, {{"a", 3}});
  auto r = apply({line("a", std::nullopt, 2)});
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].kind, AdjustmentFailure::Kind::Invalid);
  EXPECT_EQ(r.failures[0].field, "quantity");
  EXPECT_EQ(r.failures[0].message, "would take on hand to 2, below the 3 units reserved");
  r = apply({line("a", -6, std::nullopt)});
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].message, "would take on hand from 5 to -1, below zero");
  EXPECT_TRUE(apply({line("a", -2, std::nullopt)}).failures.empty());
  EXPECT_EQ(level("a").onHand, 3);
  EXPECT_EQ(level("a").reserved, 3);
}

TEST_P(AdjustmentsTest, AListAppliesCompletelyOrNotAtAll) {
  stock("a", 5);
  stock("b", 5);
  stock("c", 5);
  const long long eventsBefore = count("SELECT count(*) AS n FROM agape_events");
  const long long auditBefore = count("SELECT count(*) AS n FROM agape_audit");
  auto r = apply({line("a", 1, std::nullopt), line("missing", 1, std::nullopt), line("b", std::nullopt, 7, 9),
                  line("c", -9, std::nullopt), line("new", 1, std::nullopt)});
  ASSERT_EQ(r.failures.size(), 4u);
  EXPECT_EQ(r.failures[0].line, 1u);
  EXPECT_EQ(r.failures[0].field, "variantId");
  EXPECT_EQ(r.failures[1].line, 2u);
  EXPECT_EQ(r.failures[1].field, "version");
  EXPECT_EQ(r.failures[2].line, 3u);
  EXPECT_EQ(r.failures[2].field, "delta");
  EXPECT_EQ(r.failures[3].line, 4u);
  for (const char* v : {"a", "b", "c"}) {
    EXPECT_EQ(level(v).onHand, 5) << v;
    EXPECT_EQ(level(v).version, 1) << v;
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_levels"), 3) << "no level row left behind";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), eventsBefore);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_audit"), auditBefore);

  variants_.ids.insert("new");
  r = apply({line("c", -1, std::nullopt, 1), line("new", std::nullopt, 4), line("a", 1, std::nullopt)});
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(r.levels[0].variantId, "c");
  EXPECT_EQ(r.levels[1].onHand, 4);
  EXPECT_EQ(r.levels[2].onHand, 6);
}

TEST_P(AdjustmentsTest, CostAndThresholdAreKeptWithTheLevel) {
  variants_.ids = {"a"};
  Adjustment a = line("a", std::nullopt, 3);
  a.unitCost = 4'500;
  a.lowStockThreshold = {true, 2};
  ASSERT_TRUE(apply({a}).failures.empty());
  EXPECT_EQ(level("a").unitCost, 4'500);
  EXPECT_EQ(level("a").lowStockThreshold, 2);
  Adjustment b = line("a", 0, std::nullopt);  // a count that confirms the stock, and back to the default threshold
  b.lowStockThreshold.given = true;
  ASSERT_TRUE(apply({b}).failures.empty());
  EXPECT_EQ(level("a").unitCost, 4'500) << "kept when not given";
  EXPECT_FALSE(level("a").lowStockThreshold.has_value());
  EXPECT_EQ(level("a").version, 2);
}

TEST_P(AdjustmentsTest, LowStockListAndStatistics) {
  stock("a", 0);
  stock("b", 3);
  stock("c", 8, 10);
  stock("d", 50);
  Adjustment cost = line("d", 0, std::nullopt);
  cost.unitCost = 1'000;
  ASSERT_TRUE(apply({cost}).failures.empty());
  reserve({"order", "1"}, {{"d", 45}});  // available 5: not below the default 5
  LevelQueries queries(*ledger_);
  auto page = db_->read([&](Tx& tx) { return queries.lowStock(tx, variants_, std::nullopt, 1, 20); });
  std::vector<std::string> ids;
  for (const auto& l : page.data) ids.push_back(l.variantId);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(page.meta.page, 1);
  EXPECT_EQ(page.meta.limit, 20);
  EXPECT_EQ(page.meta.total, 3);
  EXPECT_EQ(page.meta.totalPages, 1);
  EXPECT_EQ(page.data[2].lowStockThreshold, 10);
  EXPECT_EQ(page.data[1].sku, "SKU-b");
  EXPECT_EQ(page.data[1].productName, "Product b");

  page = db_->read([&](Tx& tx) { return queries.lowStock(tx, variants_, 6, 2, 2); });
  ids.clear();
  for (const auto& l : page.data) ids.push_back(l.variantId);
  EXPECT_EQ(ids, (std::vector<std::string>{"d"}));
  EXPECT_EQ(page.meta.total, 3);
  EXPECT_EQ(page.meta.totalPages, 2);

  const StockStats stats = db_->read([&](Tx& tx) { return queries.stats(tx); });
  EXPECT_EQ(stats.unitsOnHand, 61);
  EXPECT_EQ(stats.unitsReserved, 45);
  EXPECT_EQ(stats.unitsAvailable, 16);
  EXPECT_EQ(stats.valueAtCost, (Money{50'000, "NGN"}));
  EXPECT_EQ(stats.outOfStockCount, 1);
  EXPECT_EQ(stats.variantCount, 4);
}

TEST_P(AdjustmentsTest, StatisticsWithoutAnyCostHaveNoValue) {
  LevelQueries queries(*ledger_);
  const StockStats empty = db_->read([&](Tx& tx) { return queries.stats(tx); });
  EXPECT_FALSE(empty.valueAtCost);
  EXPECT_EQ(empty.variantCount, 0);
  stock("a", 2);
  EXPECT_FALSE(db_->read([&](Tx& tx) { return queries.stats(tx); }).valueAtCost);
}

AGAPE_DATABASE_TESTS(AdjustmentsTest);

}  // namespace
}  // namespace agape::inventory::testing
