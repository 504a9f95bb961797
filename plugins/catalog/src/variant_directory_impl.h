#pragma once
// The catalogue's VariantDirectory service: variant lookups for other plugins.
#include <agape/catalog/variant_directory.h>

namespace agape::catalog {

class CatalogVariantDirectory final : public VariantDirectory {
 public:
  std::vector<VariantSummary> lookup(Tx& tx, const std::vector<std::string>& ids) const override;
  std::vector<VariantSummary> lookupBySku(Tx& tx, const std::vector<std::string>& skus) const override;
  std::vector<VariantSummary> page(Tx& tx, const std::string& afterId, std::size_t limit) const override;
};

}  // namespace agape::catalog
