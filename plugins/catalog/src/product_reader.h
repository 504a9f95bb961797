#pragma once
// Reads of the catalogue rendered as API JSON: product lists with filters,
// full-text search, one product, and the category tree.
#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>
#include <agape/json.h>

#include "list_query.h"

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

// Response bodies (JSON text) of a product page and of a search page.
std::string listProducts(Tx& tx, const ListQuery& q);
std::string searchProducts(Tx& tx, const ListQuery& q);
// One product as JSON text; archived and draft products only when `staff`.
std::optional<std::string> productJson(Tx& tx, const std::string& idOrSlug, bool staff);
// The same as a document, for the write paths that answer with it.
std::optional<Json> productByIdOrSlug(Tx& tx, const std::string& idOrSlug, bool staff);
Json categoryTree(Tx& tx);

}  // namespace agape::catalog
