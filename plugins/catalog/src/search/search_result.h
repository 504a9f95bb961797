#pragma once
// What a search answers, whichever engine ran it: a page of products (as
// the API shows them), the total, the facet counts asked for and a
// spelling suggestion; and the response's Schema (GET /v1/products/search).
#include <optional>
#include <string>
#include <vector>

#include <agape/json_text.h>
#include <agape/schema.h>

#include "list_query.h"
#include "product_view.h"

namespace agape::catalog {

struct FacetValue {
  std::string value;  // what the filter takes: a category slug, a size, "1000000-2500000", "true"
  std::string label;  // what a shopper reads
  long long count = 0;
};

struct SearchFacets {
  std::optional<std::vector<FacetValue>> category, size, color, price, inStock;
};

struct SearchMeta {
  long long page = 1, limit = 20, total = 0, totalPages = 0;
  // true: `total` is the engine's estimate (beyond the matches it counted).
  bool totalIsEstimate = false;
};

// A page of results with the products already written as the API's JSON.
struct SearchResult {
  std::string dataJson = "[]";  // the products, a JSON array
  SearchMeta meta;
  std::optional<SearchFacets> facets;
  std::optional<std::string> didYouMean;
};

// The response body.
std::string searchResultText(const SearchResult& r);

// The response's contract: {data, meta, facets?, didYouMean?}.
struct SearchPage {
  std::vector<ProductView> data;
  SearchMeta meta;
  std::optional<SearchFacets> facets;
  std::optional<std::string> didYouMean;
};
Schema<SearchPage> searchPageSchema();

// Price bands of the price facet, in kobo: [from, to) each, the last open.
struct PriceBand {
  long long from = 0;
  std::optional<long long> to;
};
const std::vector<PriceBand>& priceBands();
// "1000000-2500000" (the filter's minPrice and maxPrice, to inclusive) and
// "₦10,000 – ₦25,000".
std::string priceBandValue(const PriceBand& b);
std::string priceBandLabel(const PriceBand& b);

}  // namespace agape::catalog
