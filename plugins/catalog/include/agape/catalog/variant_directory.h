#pragma once
// What other plugins (inventory, cart, orders) may ask the catalogue about
// variants, inside their own transaction so a lookup sees their uncommitted
// writes. Call it from handlers and jobs, never from a network thread.
//
//   auto* variants = ctx.services().find<agape::catalog::VariantDirectory>();  // in validate/start
//   db.run([&](agape::Tx& tx) { auto found = variants->lookup(tx, {variantId}); ... });

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Tx;
}

namespace agape::catalog {

struct VariantSummary {
  std::string id;
  std::string sku;
  std::optional<std::string> size;
  std::optional<std::string> color;
  std::string productId;
  std::string productSlug;
  std::string productName;
  // Effective price in minor units: the variant's override, else the product's.
  std::int64_t price = 0;
  // The product is active and the variant is not retired: it can be sold.
  bool purchasable = false;
};

class VariantDirectory {
 public:
  static constexpr std::string_view kServiceId = "agape.catalog.VariantDirectory";
  virtual ~VariantDirectory() = default;
  // The variants among `ids` that exist (any status), in the order of `ids`;
  // unknown ids are left out and duplicates appear once.
  virtual std::vector<VariantSummary> lookup(Tx& tx, const std::vector<std::string>& ids) const = 0;
  // Variants by SKU (exact match), in the order of `skus`; unknown ones left out.
  virtual std::vector<VariantSummary> lookupBySku(Tx& tx, const std::vector<std::string>& skus) const = 0;
  // Every variant (any status), in id order, `limit` at a time: the ones
  // after `afterId` ("" for the first page). For plugins that keep
  // something per variant and need to walk them all.
  virtual std::vector<VariantSummary> page(Tx& tx, const std::string& afterId, std::size_t limit) const = 0;
};

}  // namespace agape::catalog
