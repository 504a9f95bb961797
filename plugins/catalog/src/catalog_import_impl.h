#pragma once
// The catalogue's CatalogImport: multi-row inserts into its own tables.
#include <agape/catalog/catalog_import.h>
#include <agape/events.h>

#include <functional>
#include <string>

namespace agape::catalog {

class CatalogImportImpl final : public CatalogImport {
 public:
  // `reloaded` runs after the commit of a bulk change, on this instance
  // (other instances follow the catalog.reloaded event).
  CatalogImportImpl(Events& events, std::function<void()> reloaded)
      : events_(events), reloaded_(std::move(reloaded)) {}
  bool hasProducts(Tx& tx) const override;
  void addCategory(Tx& tx, const ImportedCategory& category) const override;
  void addProducts(Tx& tx, const std::vector<ImportedProduct>& products) const override;
  void finish(Tx& tx) const override;
  void refreshStatistics(Database& db) const override;
  std::vector<std::string> productsWithoutImages(Tx& tx) const override;
  bool setImagesIfNone(Tx& tx, const std::string& productId, const std::string& imagesJson) const override;
  void bumpCacheVersion(Tx& tx) const override;
  std::string slugOf(std::string_view name) const override;
  std::string fixedId(long long epochMs, std::uint64_t n) const override;

 private:
  void publishReloaded(Tx& tx, std::string reason) const;

  Events& events_;
  std::function<void()> reloaded_;
};

}  // namespace agape::catalog
