#include "search_index.h"

namespace agape::catalog {

namespace {

// Both indexes hold active products only, so a search counts and ranks
// within the index alone and joins the products of one page.
constexpr const char* kSqliteInsert =
    "INSERT INTO catalog_search (product_id, name, category, description) "
    "SELECT p.id, p.name, c.name, p.description FROM catalog_products p "
    "JOIN catalog_categories c ON c.id = p.category_id WHERE p.status = 'active'";
constexpr const char* kPostgresInsert =
    "INSERT INTO catalog_search_index (product_id, search) SELECT p.id, "
    "setweight(to_tsvector('english', p.name), 'A') || "
    "setweight(to_tsvector('english', c.name), 'B') || "
    "setweight(to_tsvector('english', p.description), 'C') "
    "FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id WHERE p.status = 'active'";

constexpr const char* kVariantPrices =
    "UPDATE catalog_variants SET effective_price = "
    "COALESCE(price, (SELECT p.price FROM catalog_products p WHERE p.id = catalog_variants.product_id))";
constexpr const char* kProductMinPrice =
    "UPDATE catalog_products SET min_price = COALESCE((SELECT MIN(v.effective_price) FROM catalog_variants v "
    "WHERE v.product_id = catalog_products.id AND v.status = 'active'), price)";

}  // namespace

void refreshPrices(Tx& tx, const std::string& productId) {
  tx.exec(std::string(kVariantPrices) + " WHERE product_id = :id", {{"id", productId}});
  tx.exec(std::string(kProductMinPrice) + " WHERE id = :id", {{"id", productId}});
}

void refreshAllPrices(Tx& tx) {
  tx.exec(kVariantPrices);
  tx.exec(kProductMinPrice);
}

void reindexProduct(Tx& tx, const std::string& productId) {
  const bool sqlite = tx.dialect() == Dialect::Sqlite;
  tx.exec(sqlite ? "DELETE FROM catalog_search WHERE product_id = :id"
                 : "DELETE FROM catalog_search_index WHERE product_id = :id",
          {{"id", productId}});
  tx.exec(std::string(sqlite ? kSqliteInsert : kPostgresInsert) + " AND p.id = :id", {{"id", productId}});
}

void reindexAll(Tx& tx) {
  const bool sqlite = tx.dialect() == Dialect::Sqlite;
  tx.exec(sqlite ? "DELETE FROM catalog_search" : "DELETE FROM catalog_search_index");
  tx.exec(sqlite ? kSqliteInsert : kPostgresInsert);
}

void reindexCategory(Tx& tx, const std::string& categoryId) {
  for (const auto& r : tx.query("SELECT id FROM catalog_products WHERE category_id = :c",
                                {{"c", categoryId}}))
    reindexProduct(tx, r.text("id"));
}

}  // namespace agape::catalog
