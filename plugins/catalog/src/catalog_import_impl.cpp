#include "catalog_import_impl.h"

#include <agape/catalog/events.h>

#include <string>
#include <utility>
#include <vector>

#include <agape/db.h>

#include "search_index.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

// Rows per INSERT statement: well within SQLite's bound-parameter limit.
constexpr std::size_t kBatch = 100;

// Collects rows for a multi-row INSERT and flushes them kBatch at a time.
class BatchInsert {
 public:
  BatchInsert(Tx& tx, std::string head, int columns) : tx_(tx), head_(std::move(head)), columns_(columns) {}
  // One row's values, in column order: named :p0, :p1 ... across the batch.
  void add(std::vector<Value> row) {
    for (auto& v : row) {
      std::string name = "p";
      name += std::to_string(params_.size());
      params_.emplace_back(std::move(name), std::move(v));
    }
    if (++rows_ == kBatch) flush();
  }
  void flush() {
    if (rows_ == 0) return;
    std::string sql = head_ + " VALUES ";
    int n = 0;
    for (std::size_t r = 0; r < rows_; ++r) {
      sql += r ? ", (" : "(";
      for (int c = 0; c < columns_; ++c) sql += (c ? ", :p" : ":p") + std::to_string(n++);
      sql += ")";
    }
    tx_.exec(sql, params_);
    params_.clear();
    rows_ = 0;
  }

 private:
  Tx& tx_;
  std::string head_;
  int columns_;
  Params params_;
  std::size_t rows_ = 0;
};

}  // namespace

bool CatalogImportImpl::hasProducts(Tx& tx) const {
  return tx.one("SELECT 1 AS x FROM catalog_products LIMIT 1").has_value();
}

void CatalogImportImpl::addCategory(Tx& tx, const ImportedCategory& c) const {
  tx.exec("INSERT INTO catalog_categories (id, slug, name, parent_id, created_at, updated_at) "
          "VALUES (:id, :slug, :name, :parent, :created, :created)",
          {{"id", c.id}, {"slug", c.slug}, {"name", c.name},
           {"parent", c.parentId ? Value(*c.parentId) : Value(nullptr)}, {"created", c.createdAtMs}});
}

void CatalogImportImpl::addProducts(Tx& tx, const std::vector<ImportedProduct>& products) const {
  BatchInsert productRows(tx,
                          "INSERT INTO catalog_products (id, name, slug, description, category_id, price, status, "
                          "images, version, created_at, updated_at)",
                          11);
  for (const auto& p : products)
    productRows.add({p.id, p.name, p.slug, p.description, p.categoryId, static_cast<long long>(p.price), "active",
                     p.imagesJson, 1, p.createdAtMs, p.createdAtMs});
  productRows.flush();  // before the variants that refer to them
  BatchInsert variantRows(tx,
                          "INSERT INTO catalog_variants (id, product_id, sku, size, color, price, status, position)",
                          8);
  for (const auto& p : products)
    for (const auto& v : p.variants)
      variantRows.add({v.id, p.id, v.sku, v.size, v.color,
                       v.price ? Value(static_cast<long long>(*v.price)) : Value(nullptr), "active", v.position});
  variantRows.flush();
}

void CatalogImportImpl::finish(Tx& tx) const {
  reindexAll(tx);
  refreshAllPrices(tx);
  tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
  publishReloaded(tx, "import");
}

void CatalogImportImpl::publishReloaded(Tx& tx, std::string reason) const {
  events_.publish(tx, CatalogReloaded{.reason = std::move(reason)});
  tx.afterCommit(reloaded_);
}

void CatalogImportImpl::refreshStatistics(Database& db) const {
  if (db.dialect() != Dialect::Postgres) return;
  db.run([](Tx& tx) {
    tx.exec("ANALYZE catalog_categories, catalog_products, catalog_variants, catalog_search_index");
  });
}

std::vector<std::string> CatalogImportImpl::productsWithoutImages(Tx& tx) const {
  std::vector<std::string> ids;
  for (const auto& r : tx.query("SELECT id FROM catalog_products WHERE images = '[]'")) ids.push_back(r.text("id"));
  return ids;
}

bool CatalogImportImpl::setImagesIfNone(Tx& tx, const std::string& productId, const std::string& imagesJson) const {
  return tx.exec("UPDATE catalog_products SET images = :images, version = version + 1 WHERE id = :id AND images = '[]'",
                 {{"images", imagesJson}, {"id", productId}}) > 0;
}

void CatalogImportImpl::bumpCacheVersion(Tx& tx) const {
  tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
  publishReloaded(tx, "images");
}

std::string CatalogImportImpl::slugOf(std::string_view name) const { return slugify(name); }

std::string CatalogImportImpl::fixedId(long long epochMs, std::uint64_t n) const {
  return catalog::fixedId(epochMs, n);
}

}  // namespace agape::catalog
