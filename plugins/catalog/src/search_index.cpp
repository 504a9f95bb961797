#include "search_index.h"

namespace agape::catalog {

void reindexProduct(Tx& tx, const std::string& productId) {
  if (tx.dialect() == Dialect::Sqlite) {
    tx.exec("DELETE FROM catalog_search WHERE product_id = :id", {productId});
    tx.exec("INSERT INTO catalog_search (product_id, name, category, description) "
            "SELECT p.id, p.name, c.name, p.description FROM catalog_products p "
            "JOIN catalog_categories c ON c.id = p.category_id WHERE p.id = :id",
            {productId});
  } else {
    tx.exec("UPDATE catalog_products p SET search = "
            "setweight(to_tsvector('english', p.name), 'A') || "
            "setweight(to_tsvector('english', c.name), 'B') || "
            "setweight(to_tsvector('english', p.description), 'C') "
            "FROM catalog_categories c WHERE c.id = p.category_id AND p.id = :id",
            {productId});
  }
}

void reindexCategory(Tx& tx, const std::string& categoryId) {
  for (const auto& r : tx.query("SELECT id FROM catalog_products WHERE category_id = :c", {categoryId}))
    reindexProduct(tx, r.text("id"));
}

}  // namespace agape::catalog
