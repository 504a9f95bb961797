#pragma once
// The query string of the list and search routes: their Schemas decode and
// check it (unknown parameters and bad values are 400 with one field error
// each), and normalisedKey names the response cache entry it asks for.
#include <optional>
#include <string>
#include <vector>

#include <agape/schema.h>

namespace agape::catalog {

struct ListQuery {
  std::optional<std::string> category;  // id or slug; includes subcategories
  std::optional<long long> minPrice, maxPrice;
  std::optional<std::string> size, color;
  std::optional<bool> inStock;
  std::string sort = "newest";  // newest | price | -price | name
  std::string q;                // search only
  int page = 1;
  int limit = 20;
};

// GET /v1/products/search: the list's filters and the text, ranked by
// relevance unless another sort is asked for, and the facets to count.
struct SearchQuery : ListQuery {
  SearchQuery() { sort = "relevance"; }
  std::optional<std::string> facets;  // comma-separated names of kFacetNames
};
// What a search can count, in the order a response lists them.
inline const std::vector<std::string> kFacetNames = {"category", "size", "color", "price", "inStock"};
// The facets a query asks for, known names only (the schema refuses others).
std::vector<std::string> facetsAsked(const SearchQuery& q);

// Bounds on what one request may ask of the database: rows skipped by
// paging (page × limit) and words searched.
inline constexpr long long kMaxPagedRows = 10'000;
inline constexpr std::size_t kMaxSearchWords = 10;

// GET /v1/products and GET /v1/products/search.
Schema<ListQuery> listQuerySchema();
Schema<SearchQuery> searchQuerySchema();

// The same key for requests that mean the same thing, whatever the order or
// spelling of their parameters.
std::string normalisedKey(const ListQuery& q);
std::string normalisedKey(const SearchQuery& q);

}  // namespace agape::catalog
