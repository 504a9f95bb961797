#include "list_query.h"

#include <algorithm>

#include "text_util.h"

namespace agape::catalog {
namespace {

constexpr long long kMaxPrice = 1'000'000'000'000LL;

// Deep pages cost the database the whole skipped prefix (OFFSET) for every
// request, so a client walks at most kMaxPagedRows rows deep.
void limitDepth(const ListQuery& q, std::vector<FieldError>& errors) {
  if (static_cast<long long>(q.page) * q.limit > kMaxPagedRows)
    errors.push_back({"page", "page × limit must be at most " + std::to_string(kMaxPagedRows) +
                                  ": narrow the search or the filters to see further"});
}

// The filters the list and the search share.
template <class Q>
Schema<Q>& withFilters(Schema<Q>& s) {
  return s
      .field("category", &ListQuery::category,
             {.minLength = 1, .maxLength = 120, .description = "category id or slug; its subcategories included"})
      .field("minPrice", &ListQuery::minPrice,
             {.min = 0, .max = kMaxPrice, .description = "lowest effective variant price, minor units"})
      .field("maxPrice", &ListQuery::maxPrice,
             {.min = 0, .max = kMaxPrice, .description = "highest effective variant price, minor units"})
      .field("size", &ListQuery::size, {.minLength = 1, .maxLength = 32, .description = "a variant of this size"})
      .field("color", &ListQuery::color,
             {.minLength = 1, .maxLength = 32, .description = "a variant of this colour (any case)"})
      .field("inStock", &ListQuery::inStock,
             {.description = "true: a variant in stock; false: none (400 while inventory reports nothing)"});
}

void checkPrices(const ListQuery& q, std::vector<FieldError>& errors) {
  if (q.minPrice && q.maxPrice && *q.minPrice > *q.maxPrice) errors.push_back({"minPrice", "must not exceed maxPrice"});
}

}  // namespace

Schema<ListQuery> listQuerySchema() {
  Schema<ListQuery> s;
  withFilters(s).field("sort", &ListQuery::sort,
                       {.optional = true, .oneOf = {"newest", "price", "-price", "name"}, .description = "newest by default"});
  return withPages(s).check([](const ListQuery& q, std::vector<FieldError>& errors) {
    checkPrices(q, errors);
    limitDepth(q, errors);
  });
}

Schema<SearchQuery> searchQuerySchema() {
  Schema<SearchQuery> s;
  s.field("q", &ListQuery::q,
          {.minLength = 1, .maxLength = 200,
           .verify = [](const std::string& text) {
             return searchWordCount(text) > kMaxSearchWords
                        ? "must have at most " + std::to_string(kMaxSearchWords) + " words"
                        : std::string();
           },
           .description = "the search text; the last word also matches as a prefix"});
  withFilters(s)
      .field("sort", &ListQuery::sort,
             {.optional = true, .oneOf = {"relevance", "newest", "price", "-price"},
              .description = "relevance by default"})
      .field("facets", &SearchQuery::facets,
             {.minLength = 1, .maxLength = 64,
              .verify = [](const std::string& list) {
                for (const auto& name : splitOn(list, ','))
                  if (std::find(kFacetNames.begin(), kFacetNames.end(), name) == kFacetNames.end())
                    return "names facets among category, size, color, price, inStock (comma-separated); \"" + name +
                           "\" is none of them";
                return std::string();
              },
              .description = "facets to count beside the results, comma-separated: category,size,color,price,inStock"});
  return withPages(s).check([](const SearchQuery& q, std::vector<FieldError>& errors) {
    checkPrices(q, errors);
    limitDepth(q, errors);
  });
}

std::vector<std::string> facetsAsked(const SearchQuery& q) {
  std::vector<std::string> out;
  if (!q.facets) return out;
  const auto asked = splitOn(*q.facets, ',');
  for (const auto& name : kFacetNames)  // each once, in the response's order
    if (std::find(asked.begin(), asked.end(), name) != asked.end()) out.push_back(name);
  return out;
}

std::string normalisedKey(const ListQuery& q) {
  std::string k;
  auto add = [&k](std::string_view name, const std::string& v) {
    k += name;
    k += '=';
    k += std::to_string(v.size());  // length prefix: no value can forge another field
    k += ':';
    k += v;
    k += ';';
  };
  if (q.category) add("category", *q.category);
  if (q.minPrice) add("minPrice", std::to_string(*q.minPrice));
  if (q.maxPrice) add("maxPrice", std::to_string(*q.maxPrice));
  if (q.size) add("size", *q.size);
  if (q.color) add("color", *q.color);
  if (q.inStock) add("inStock", *q.inStock ? "true" : "false");
  add("sort", q.sort);
  add("q", q.q);
  add("page", std::to_string(q.page));
  add("limit", std::to_string(q.limit));
  return k;
}

std::string normalisedKey(const SearchQuery& q) {
  std::string k = normalisedKey(static_cast<const ListQuery&>(q));
  for (const auto& name : facetsAsked(q)) k += "facet=" + name + ";";
  return k;
}

}  // namespace agape::catalog
