#pragma once
// Bulk loading of a whole catalogue into an empty one, for plugins that
// bring their own rows (the demo plugin's catalogues): multi-row inserts in
// the caller's transaction, then one reindex and price refresh at the end,
// so 100,000 products load in seconds.
//
//   auto import = ctx.services().find<agape::catalog::CatalogImport>();   // in validate
//   db.run([&](agape::Tx& tx) { if (!import->hasProducts(tx)) { ...add...; import->finish(tx); } });

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Database;
class Tx;
}  // namespace agape

namespace agape::catalog {

struct ImportedCategory {
  std::string id, slug, name;
  std::optional<std::string> parentId;
  long long createdAtMs = 0;
};

struct ImportedVariant {
  std::string id, sku, size, color;
  std::optional<std::int64_t> price;  // an override of the product price
  int position = 0;
};

// Active, version 1; `imagesJson` is the stored images array ("[]" for none).
struct ImportedProduct {
  std::string id, name, slug, description, categoryId;
  std::int64_t price = 0;
  std::string imagesJson = "[]";
  long long createdAtMs = 0;
  std::vector<ImportedVariant> variants;
};

class CatalogImport {
 public:
  static constexpr std::string_view kServiceId = "agape.catalog.CatalogImport";
  virtual ~CatalogImport() = default;

  virtual bool hasProducts(Tx& tx) const = 0;
  virtual void addCategory(Tx& tx, const ImportedCategory& category) const = 0;
  // Products and their variants, as few statements as the database allows.
  virtual void addProducts(Tx& tx, const std::vector<ImportedProduct>& products) const = 0;
  // After the last add: the search index and the stored prices, and a new
  // cache version so every instance drops its cached pages.
  virtual void finish(Tx& tx) const = 0;
  // PostgreSQL plans from table statistics, which autovacuum refreshes only
  // a while after a bulk load; this refreshes them now (SQLite: nothing).
  virtual void refreshStatistics(Database& db) const = 0;

  // Pictures given afterwards: the products whose images array is empty,
  // and setting one's images only while it still has none (false otherwise:
  // an image set meanwhile wins). Call finish (or bumpCacheVersion) after.
  virtual std::vector<std::string> productsWithoutImages(Tx& tx) const = 0;
  virtual bool setImagesIfNone(Tx& tx, const std::string& productId, const std::string& imagesJson) const = 0;
  virtual void bumpCacheVersion(Tx& tx) const = 0;

  // The catalogue's own rules, so imported rows match written ones: the slug
  // of a name, and a UUIDv7-shaped id fixed by a time and a number (the same
  // on every database).
  virtual std::string slugOf(std::string_view name) const = 0;
  virtual std::string fixedId(long long epochMs, std::uint64_t n) const = 0;
};

}  // namespace agape::catalog
