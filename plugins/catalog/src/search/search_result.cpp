#include "search/search_result.h"

#include <agape/json.h>

namespace agape::catalog {
namespace {

Schema<FacetValue> facetValueSchema() {
  return Schema<FacetValue>()
      .field("value", &FacetValue::value, {.description = "what the matching filter takes"})
      .field("label", &FacetValue::label)
      .field("count", &FacetValue::count, {.description = "products among all the matches"});
}

Schema<SearchFacets> facetsSchema() {
  const auto values = facetValueSchema();
  return Schema<SearchFacets>()
      .field("category", &SearchFacets::category, values, {.omitWhenNull = true})
      .field("size", &SearchFacets::size, values, {.omitWhenNull = true})
      .field("color", &SearchFacets::color, values, {.omitWhenNull = true})
      .field("price", &SearchFacets::price, values,
             {.omitWhenNull = true,
              .description = "bands of effective variant prices; value is minPrice-maxPrice"})
      .field("inStock", &SearchFacets::inStock, values, {.omitWhenNull = true});
}

Schema<SearchMeta> searchMetaSchema() {
  return Schema<SearchMeta>()
      .field("page", &SearchMeta::page)
      .field("limit", &SearchMeta::limit)
      .field("total", &SearchMeta::total)
      .field("totalPages", &SearchMeta::totalPages)
      .field("totalIsEstimate", &SearchMeta::totalIsEstimate,
             {.description = "true when more matched than the engine counted exactly (over 1,000)"});
}

// "₦12,500" from kobo (whole naira: band edges are round).
std::string naira(long long kobo) {
  const std::string digits = std::to_string(kobo / 100);
  std::string out = "\u20A6";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

const std::vector<PriceBand>& priceBands() {
  static const std::vector<PriceBand> bands = {{0, 1'000'000},
                                               {1'000'000, 2'500'000},
                                               {2'500'000, 5'000'000},
                                               {5'000'000, 10'000'000},
                                               {10'000'000, {}}};
  return bands;
}

std::string priceBandValue(const PriceBand& b) {
  return std::to_string(b.from) + "-" + (b.to ? std::to_string(*b.to - 1) : "");
}

std::string priceBandLabel(const PriceBand& b) {
  if (b.from == 0 && b.to) return "under " + naira(*b.to);
  if (!b.to) return naira(b.from) + " and above";
  return naira(b.from) + " \u2013 " + naira(*b.to);
}

Schema<SearchPage> searchPageSchema() {
  return Schema<SearchPage>()
      .field("data", &SearchPage::data, productSchema())
      .field("meta", &SearchPage::meta, searchMetaSchema())
      .field("facets", &SearchPage::facets, facetsSchema(),
             {.omitWhenNull = true, .description = "the counts asked for with `facets`"})
      .field("didYouMean", &SearchPage::didYouMean,
             {.omitWhenNull = true, .description = "the text with unknown words corrected"});
}

std::string searchResultText(const SearchResult& r) {
  static const auto meta = searchMetaSchema();
  static const auto facets = facetsSchema();
  std::string out = R"({"data":)";
  out += r.dataJson;
  out += R"(,"meta":)";
  out += meta.encode(r.meta);
  if (r.facets) {
    out += R"(,"facets":)";
    out += facets.encode(*r.facets);
  }
  if (r.didYouMean) {
    out += R"(,"didYouMean":)";
    out += Json(*r.didYouMean).dump();
  }
  out += '}';
  return out;
}

}  // namespace agape::catalog
