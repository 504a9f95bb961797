#include "search_index.h"

namespace agape::catalog {

namespace {

// SQLite's index holds active products only, so a search counts and ranks
// within the FTS table alone and joins the products of one page.
constexpr const char* kSqliteInsert =
    "INSERT INTO catalog_search (product_id, name, category, description) "
    "SELECT p.id, p.name, c.name, p.description FROM catalog_products p "
    "JOIN catalog_categories c ON c.id = p.category_id";
constexpr const char* kPostgresUpdate =
    "UPDATE catalog_products p SET search = "
    "setweight(to_tsvector('english', p.name), 'A') || "
    "setweight(to_tsvector('english', c.name), 'B') || "
    "setweight(to_tsvector('english', p.description), 'C') "
    "FROM catalog_categories c WHERE c.id = p.category_id";

constexpr const char* kVariantPrices =
    "UPDATE catalog_variants SET effective_price = "
    "COALESCE(price, (SELECT p.price FROM catalog_products p WHERE p.id = catalog_variants.product_id))";
constexpr const char* kProductMinPrice =
    "UPDATE catalog_products SET min_price = COALESCE((SELECT MIN(v.effective_price) FROM catalog_variants v "
    "WHERE v.product_id = catalog_products.id AND v.status = 'active'), price)";

}  // namespace

void refreshPrices(Tx& tx, const std::string& productId) {
  tx.exec(std::string(kVariantPrices) + " WHERE product_id = :id", {productId});
  tx.exec(std::string(kProductMinPrice) + " WHERE id = :id", {productId});
}

void refreshAllPrices(Tx& tx) {
  tx.exec(kVariantPrices);
  tx.exec(kProductMinPrice);
}

void reindexProduct(Tx& tx, const std::string& productId) {
  if (tx.dialect() == Dialect::Sqlite) {
    tx.exec("DELETE FROM catalog_search WHERE product_id = :id", {productId});
    tx.exec(std::string(kSqliteInsert) + " WHERE p.id = :id AND p.status = 'active'", {productId});
  } else {
    tx.exec(std::string(kPostgresUpdate) + " AND p.id = :id", {productId});
  }
}

void reindexAll(Tx& tx) {
  if (tx.dialect() == Dialect::Sqlite) {
    tx.exec("DELETE FROM catalog_search");
    tx.exec(std::string(kSqliteInsert) + " WHERE p.status = 'active'");
  } else {
    tx.exec(kPostgresUpdate);
  }
}

void reindexCategory(Tx& tx, const std::string& categoryId) {
  for (const auto& r : tx.query("SELECT id FROM catalog_products WHERE category_id = :c", {categoryId}))
    reindexProduct(tx, r.text("id"));
}

}  // namespace agape::catalog
