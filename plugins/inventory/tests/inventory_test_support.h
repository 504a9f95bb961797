#pragma once
// A database with the kernel's and the inventory's schema, a test context
// (the kernel's job runner, event outbox and audit trail, by a manual
// clock), and the inventory core over them, for the tests that need a real
// database (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include <agape/catalog/variant_directory.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/testing/database_test.h>
#include <agape/testing/manual_clock.h>
#include <agape/testing/test_context.h>

#include "adjustments.h"
#include "reservation_book.h"
#include "stock_ledger.h"

namespace agape::inventory::testing {

using namespace std::chrono_literals;

// The catalogue as the inventory sees it: the variants in `ids` exist.
class FakeVariants final : public catalog::VariantDirectory {
 public:
  std::set<std::string> ids;
  std::vector<catalog::VariantSummary> lookup(Tx&, const std::vector<std::string>& wanted) const override {
    std::vector<catalog::VariantSummary> out;
    std::set<std::string> seen;
    for (const auto& id : wanted)
      if (ids.count(id) && seen.insert(id).second) out.push_back(summary(id));
    return out;
  }
  std::vector<catalog::VariantSummary> lookupBySku(Tx&, const std::vector<std::string>&) const override { return {}; }
  std::vector<catalog::VariantSummary> page(Tx&, const std::string& afterId, std::size_t limit) const override {
    std::vector<catalog::VariantSummary> out;
    for (auto it = ids.upper_bound(afterId); it != ids.end() && out.size() < limit; ++it) out.push_back(summary(*it));
    return out;
  }

 private:
  static catalog::VariantSummary summary(const std::string& id) {
    catalog::VariantSummary s;
    s.id = id;
    s.sku = "SKU-" + id;
    s.productName = "Product " + id;
    s.price = 10'000;
    s.purchasable = true;
    return s;
  }
};

class InventoryDbTest : public agape::testing::DatabaseTest {
 protected:
  static constexpr long long kThreshold = 5;

  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_ = makeDatabase({{"inventory", AGAPE_INVENTORY_MIGRATIONS}}, 8);
    db_ = &database_->db();
    ctx_ = std::make_unique<agape::testing::TestContext>(
        agape::testing::TestContextOptions{.pluginId = "inventory", .database = db_, .clock = &clock_});
    ledger_ = std::make_unique<StockLedger>(ctx_->events(), clock_, kThreshold);
    book_ = std::make_unique<ReservationBook>(*ledger_, std::chrono::minutes(15));
    adjuster_ = std::make_unique<Adjuster>(*ledger_, ctx_->audit());
  }
  void TearDown() override {
    adjuster_.reset();
    book_.reset();
    ledger_.reset();
    ctx_.reset();
    database_.reset();
  }

  // Sets a variant's on-hand count through an adjustment (the variant then exists).
  // stock() and reserve() move the clock by 1 ms first, so the events they
  // publish are listed in order (events() sorts by time).
  void stock(const std::string& variantId, long long quantity, std::optional<long long> threshold = std::nullopt) {
    clock_.advance(1ms);
    variants_.ids.insert(variantId);
    Adjustment a;
    a.variantId = variantId;
    a.quantity = quantity;
    a.reason = "stocktake";
    a.lowStockThreshold = {threshold.has_value(), threshold};
    db_->run([&](Tx& tx) {
      auto r = adjuster_->apply(tx, variants_, {a}, "u-admin", "req-1", "inventory.adjust");
      ASSERT_TRUE(r.failures.empty()) << r.failures.front().message;
    });
  }
  Level level(const std::string& variantId) {
    return db_->read([&](Tx& tx) {
      return levelFromRow(*tx.one(std::string("SELECT ") + kLevelColumns + " FROM inventory_levels WHERE variant_id = :v",
                                  {{"v", variantId}}));
    });
  }
  long long count(const std::string& sqlWithCountAsN, const Params& params = {}) {
    return db_->read([&](Tx& tx) { return tx.one(sqlWithCountAsN, params)->integer("n"); });
  }
  // The events published on `topic`, oldest first, as JSON.
  std::vector<Json> events(const std::string& topic) {
    std::vector<Json> out;
    db_->read([&](Tx& tx) {
      for (const Row& r : tx.query("SELECT payload FROM agape_events WHERE topic = :t ORDER BY occurred_at, id",
                                   {{"t", topic}}))
        out.push_back(Json::parse(r.text("payload")));
    });
    return out;
  }
  // The level as the movements say it is.
  std::pair<long long, long long> fromMovements(const std::string& variantId) {
    return db_->read([&](Tx& tx) {
      auto r = tx.one("SELECT CAST(COALESCE(SUM(on_hand_delta), 0) AS BIGINT) AS o, "
                      "CAST(COALESCE(SUM(reserved_delta), 0) AS BIGINT) AS r FROM inventory_movements WHERE variant_id = :v",
                      {{"v", variantId}});
      return std::make_pair(r->integer("o"), r->integer("r"));
    });
  }
  Reservation reserve(const Holder& holder, const std::vector<StockItem>& items,
                      std::optional<std::chrono::seconds> ttl = std::nullopt) {
    clock_.advance(1ms);
    return db_->run([&](Tx& tx) { return book_->reserve(tx, holder, items, ttl); });
  }
  // The Problem a reservation throws (its transaction rolled back).
  // The refusal as a client hears it: a Problem as is, a shortage as an
  // adapter that names the lines `items[i].quantity` says it.
  Problem refusal(const Holder& holder, const std::vector<StockItem>& items) {
    try {
      reserve(holder, items);
    } catch (const Problem& p) {
      return p;
    } catch (const OutOfStock& e) {
      return outOfStock(e, [](std::size_t i) { return "items[" + std::to_string(i) + "].quantity"; });
    } catch (const ReservationConflict& e) {
      return Problem::conflict("reservation_conflict", e.what());
    }
    ADD_FAILURE() << "reserve for " << holder.key() << " succeeded";
    return Problem(500, "none");
  }

  agape::testing::ManualClock clock_;
  std::unique_ptr<agape::testing::TestDatabase> database_;
  Database* db_ = nullptr;
  std::unique_ptr<agape::testing::TestContext> ctx_;
  std::unique_ptr<StockLedger> ledger_;
  std::unique_ptr<ReservationBook> book_;
  std::unique_ptr<Adjuster> adjuster_;
  FakeVariants variants_;
};

}  // namespace agape::inventory::testing
