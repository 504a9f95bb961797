#pragma once
// Reads of the catalogue: product lists with filters, full-text search, one
// product, and the category tree.
#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>

#include "list_query.h"
#include "product_view.h"

namespace agape::catalog {

struct CategoryRow {
  std::string id, slug, name;
  std::optional<std::string> parentId;
};

std::vector<CategoryRow> loadCategories(Tx& tx);
// The category (by id or slug) and every category below it; empty when unknown.
std::vector<std::string> categoryAndDescendants(const std::vector<CategoryRow>& all, const std::string& idOrSlug);

// Whether inventory has ever reported availability (the inStock filter needs it).
bool availabilityKnown(Tx& tx);

// One page of a list or a search.
struct ProductPage {
  ProductRows rows;
  int page = 1;
  int limit = 20;
  long long total = 0;
};
ProductPage listProducts(Tx& tx, const ListQuery& q);
ProductPage searchProducts(Tx& tx, const ListQuery& q);
// The page as pageSchema(productSchema()) encodes it, written straight to text.
std::string pageText(const ProductPage& p);
Page<ProductView> pageOf(const ProductPage& p);

// One product by id or slug; archived and draft products only when `staff`.
std::optional<ProductRows> productRows(Tx& tx, const std::string& idOrSlug, bool staff);
std::optional<ProductView> productView(Tx& tx, const std::string& idOrSlug, bool staff);

CategoryTree categoryTree(Tx& tx);

}  // namespace agape::catalog
