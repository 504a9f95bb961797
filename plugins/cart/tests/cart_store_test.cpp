// The cart tables on SQLite and PostgreSQL: the purge takes only guest carts
// idle past the cut-off (and their lines), and merging sums quantities under
// the caps and deletes the guest cart.
#include <gtest/gtest.h>

#include <map>

#include <agape/testing/database_test.h>

#include "cart_store.h"

namespace agape::cart {
namespace {

catalog::VariantSummary variant(const std::string& id, std::int64_t price = 10'000) {
  catalog::VariantSummary v;
  v.id = id;
  v.sku = "SKU-" + id;
  v.productName = "Product " + id;
  v.price = price;
  v.purchasable = true;
  return v;
}

class CartStoreTest : public agape::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_ = makeDatabase({{"cart", AGAPE_CART_MIGRATIONS}});
    db_ = &database_->db();
  }
  long long count(const std::string& sql) {
    return db_->read([&](Tx& tx) { return tx.one(sql)->integer("n"); });
  }
  CartRow guest(const std::string& hash, long long at) {
    return db_->run([&](Tx& tx) { return store_.create(tx, Owner{std::nullopt, hash}, at); });
  }
  CartRow user(const std::string& id, long long at) {
    return db_->run([&](Tx& tx) { return store_.create(tx, Owner{id, std::nullopt}, at); });
  }
  void put(const CartRow& c, const std::string& variantId, long long quantity, long long at) {
    db_->run([&](Tx& tx) { store_.putLine(tx, c.id, variant(variantId), quantity, at); });
  }

  std::unique_ptr<agape::testing::TestDatabase> database_;
  Database* db_ = nullptr;
  CartStore store_;
};

TEST_P(CartStoreTest, PurgeTakesOnlyIdleGuestCartsWithTheirLines) {
  const CartRow old1 = guest("h1", 1'000), old2 = guest("h2", 2'000), fresh = guest("h3", 9'000);
  const CartRow idleUser = user("u-1", 1'000);
  put(old1, "v1", 1, 1'000);
  put(old1, "v2", 2, 1'000);
  put(fresh, "v1", 1, 9'000);
  put(idleUser, "v1", 3, 1'000);
  // A batch of one, then the rest.
  EXPECT_EQ(db_->run([&](Tx& tx) { return store_.purgeGuests(tx, 5'000, 1); }), 1);
  EXPECT_EQ(db_->run([&](Tx& tx) { return store_.purgeGuests(tx, 5'000, 100); }), 1);
  EXPECT_EQ(db_->run([&](Tx& tx) { return store_.purgeGuests(tx, 5'000, 100); }), 0);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM cart_carts"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM cart_items WHERE cart_id = '" + old1.id + "'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM cart_items"), 2);
  db_->read([&](Tx& tx) {
    EXPECT_TRUE(store_.findById(tx, fresh.id));
    EXPECT_TRUE(store_.findById(tx, idleUser.id));
    EXPECT_FALSE(store_.findById(tx, old2.id));
  });
}

TEST_P(CartStoreTest, MergeSumsUnderTheCapsAndDeletesTheGuestCart) {
  const CartRow g = guest("h1", 1'000);
  const CartRow u = user("u-1", 1'000);
  put(u, "a", 8, 1'000);
  put(u, "b", 1, 1'000);
  put(g, "a", 5, 2'000);  // 8 + 5 capped at 10
  put(g, "c", 2, 2'000);  // a third line: fits
  put(g, "d", 1, 2'001);  // a fourth (added later): past maxLines 3, dropped
  db_->run([&](Tx& tx) { store_.mergeInto(tx, g.id, u.id, 10, 3, 3'000); });
  db_->read([&](Tx& tx) {
    const auto lines = store_.lines(tx, u.id);
    ASSERT_EQ(lines.size(), 3u);
    std::map<std::string, long long> q;
    for (const auto& l : lines) q[l.variantId] = l.quantity;
    EXPECT_EQ(q["a"], 10);
    EXPECT_EQ(q["b"], 1);
    EXPECT_EQ(q["c"], 2);
    EXPECT_FALSE(store_.findById(tx, g.id));
    EXPECT_FALSE(store_.find(tx, Owner{std::nullopt, "h1"}));
  });
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM cart_items"), 3);
}

TEST_P(CartStoreTest, OneCartPerUserEvenWhenCreatedTwice) {
  const CartRow first = user("u-1", 1'000);
  const CartRow second = user("u-1", 2'000);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM cart_carts"), 1);
}

TEST_P(CartStoreTest, LoadReadsACartWithItsLinesOldestFirst) {
  const CartRow g = guest("h1", 1'000);
  db_->read([&](Tx& tx) {
    const auto empty = store_.load(tx, Owner{std::nullopt, "h1"});
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->cart.id, g.id);
    EXPECT_TRUE(empty->lines.empty());
    EXPECT_FALSE(store_.load(tx, Owner{std::nullopt, "h2"}));
    EXPECT_FALSE(store_.load(tx, Owner{}));
  });
  put(g, "b", 2, 2'000);
  put(g, "a", 1, 3'000);
  const CartRow u = user("u-1", 1'000);
  put(u, "c", 4, 1'500);
  db_->read([&](Tx& tx) {
    const auto loaded = store_.load(tx, Owner{std::nullopt, "h1"});
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->lines.size(), 2u);
    EXPECT_EQ(loaded->lines[0].variantId, "b");
    EXPECT_EQ(loaded->lines[0].quantity, 2);
    EXPECT_EQ(loaded->lines[1].variantId, "a");
    EXPECT_EQ(loaded->lines[1].sku, "SKU-a");
    const auto mine = store_.load(tx, Owner{"u-1", std::nullopt});
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->cart.userId, "u-1");
    ASSERT_EQ(mine->lines.size(), 1u);
    EXPECT_EQ(mine->lines[0].variantId, "c");
  });
}

AGAPE_DATABASE_TESTS(CartStoreTest);

}  // namespace
}  // namespace agape::cart
