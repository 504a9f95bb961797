#include "variant_directory_impl.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include <agape/db.h>

namespace agape::catalog {
namespace {

// Lookups are batched in chunks so the statement stays within SQLite's
// parameter limit whatever the caller passes.
constexpr std::size_t kChunk = 200;

constexpr const char* kSelect =
    "SELECT v.id, v.sku, v.size, v.color, v.status AS variant_status, COALESCE(v.price, p.price) AS price, "
    "p.id AS product_id, p.slug AS product_slug, p.name AS product_name, p.status AS product_status "
    "FROM catalog_variants v JOIN catalog_products p ON p.id = v.product_id ";

VariantSummary summaryOf(const Row& r) {
  VariantSummary s;
  s.id = r.text("id");
  s.sku = r.text("sku");
  s.size = r.optText("size");
  s.color = r.optText("color");
  s.productId = r.text("product_id");
  s.productSlug = r.text("product_slug");
  s.productName = r.text("product_name");
  s.price = r.integer("price");
  s.purchasable = r.text("variant_status") == "active" && r.text("product_status") == "active";
  return s;
}

std::vector<VariantSummary> lookupBy(Tx& tx, const std::vector<std::string>& keys, const char* column) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& k : keys)
    if (seen.insert(k).second) unique.push_back(k);

  std::map<std::string, VariantSummary> found;
  for (std::size_t start = 0; start < unique.size(); start += kChunk) {
    const std::size_t end = std::min(unique.size(), start + kChunk);
    Params params;
    const std::string list = inList(params, "k", std::span(unique).subspan(start, end - start));
    const auto rows = tx.query(std::string(kSelect) + "WHERE v." + column + " IN (" + list + ")", params);
    for (const auto& r : rows) {
      VariantSummary s = summaryOf(r);
      const std::string key = std::string(column) == "sku" ? s.sku : s.id;
      found.emplace(key, std::move(s));
    }
  }
  std::vector<VariantSummary> out;
  for (const auto& k : unique)
    if (auto it = found.find(k); it != found.end()) out.push_back(it->second);
  return out;
}

}  // namespace

std::vector<VariantSummary> CatalogVariantDirectory::lookup(Tx& tx, const std::vector<std::string>& ids) const {
  return lookupBy(tx, ids, "id");
}

std::vector<VariantSummary> CatalogVariantDirectory::page(Tx& tx, const std::string& afterId,
                                                          std::size_t limit) const {
  std::vector<VariantSummary> out;
  for (const auto& r : tx.query(std::string(kSelect) + "WHERE v.id > :after ORDER BY v.id LIMIT :limit",
                                {{"after", afterId},
                                 {"limit", static_cast<long long>(std::min<std::size_t>(limit, 10'000))}}))
    out.push_back(summaryOf(r));
  return out;
}

std::vector<VariantSummary> CatalogVariantDirectory::lookupBySku(Tx& tx,
                                                                 const std::vector<std::string>& skus) const {
  return lookupBy(tx, skus, "sku");
}

}  // namespace agape::catalog
