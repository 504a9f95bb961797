// Unit tests of the catalogue core: ids, slugs, SKUs, search terms, ETags,
// the response cache's generation rule and query normalisation.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include <agape/json.h>
#include <agape/json_text.h>
#include <agape/problem.h>

#include "catalog_sample_rows.h"
#include "list_query.h"
#include "product_view.h"
#include "response_cache.h"
#include "search/xapian_search.h"
#include "text_util.h"
#include "write_schemas.h"

namespace agape::catalog {
namespace {

TEST(TextUtil, IdsAreUuidV7OrderedByTime) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::string a = newId(1767225600000LL), b = newId(1767225600001LL);
  EXPECT_TRUE(std::regex_match(a, uuid)) << a;
  EXPECT_LT(a, b);
  EXPECT_NE(newId(1), newId(1));
  EXPECT_EQ(fixedId(1767225600000LL, 7), fixedId(1767225600000LL, 7));
  EXPECT_TRUE(std::regex_match(fixedId(1767225600000LL, 7), uuid));
}

TEST(TextUtil, Rfc3339IsUtc) {
  EXPECT_EQ(rfc3339(1767225600000LL), "2026-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(1767225600123LL), "2026-01-01T00:00:00.123Z");
}

TEST(TextUtil, SlugsAndSkus) {
  EXPECT_EQ(slugify("  Ankara Wrap-Dress!! (Red) "), "ankara-wrap-dress-red");
  EXPECT_EQ(slugify("!!!"), "");
  EXPECT_TRUE(isValidSlug("ankara-dress-2"));
  for (const char* bad : {"", "-a", "a-", "A", "a b", "é"}) EXPECT_FALSE(isValidSlug(bad)) << bad;
  EXPECT_TRUE(isValidSku("ANK-1-M-RED"));
  EXPECT_TRUE(isValidSku("9AB"));
  for (const char* bad : {"AB", "-ABC", "abc", "AB C", "AB_C", ""}) EXPECT_FALSE(isValidSku(bad)) << bad;
  EXPECT_TRUE(isValidSku(std::string(64, 'A')));
  EXPECT_FALSE(isValidSku(std::string(65, 'A')));
}

TEST(TextUtil, SearchTermsDropSyntax) {
  EXPECT_EQ(searchTerms("Red \"sneak\"* OR -agbada:*"),
            (std::vector<std::string>{"red", "sneak", "or", "agbada"}));
  EXPECT_TRUE(searchTerms("\":*(").empty());
  EXPECT_EQ(searchTerms(std::string(100, 'a') + " b c d e f g h i j k l m n o p q r s").size(), 16u);
}

TEST(TextUtil, EtagsAreStrongAndFollowTheBody) {
  EXPECT_EQ(etagOf("abc"), etagOf("abc"));
  EXPECT_NE(etagOf("abc"), etagOf("abd"));
  EXPECT_EQ(etagOf("abc").front(), '"');
  EXPECT_EQ(etagOf("abc").back(), '"');
  // Every byte counts, including the tail after the last whole word.
  const std::string body(1000, 'x');
  std::string changed = body;
  changed[997] = 'y';
  EXPECT_NE(etagOf(body), etagOf(changed));
  EXPECT_NE(etagOf(""), etagOf(std::string(1, '\0')));
}

TEST(JsonText, StringsAreEscapedAsJsonDemands) {
  const std::vector<std::string> samples = {"", "plain", "quote \" and back\\slash", "tab\tnew\nline\r",
                                            std::string("nul\0byte", 8), "\x01\x1f control", "Àdìrẹ ₦5,000 👗"};
  for (const auto& s : samples) {
    std::string out;
    appendJsonString(out, s);
    const Json parsed = Json::parse(out);  // valid JSON that reads back the same
    EXPECT_EQ(parsed.get<std::string>(), s) << out;
    EXPECT_EQ(out, Json(s).dump()) << "same text as the JSON library writes";
  }
}

TEST(ResponseCache, KeepsRendersUntilInvalidated) {
  ResponseCache cache(std::chrono::minutes(1));
  int renders = 0;
  auto render = [&] { return CachedResponse{200, std::string("v").append(std::to_string(++renders)), ""}; };
  EXPECT_EQ(cache.getOrRender("k", render)->body, "v1");
  EXPECT_EQ(cache.getOrRender("k", render)->body, "v1");
  cache.invalidate();
  EXPECT_EQ(cache.getOrRender("k", render)->body, "v2");
}

TEST(ResponseCache, ARenderThatRacedAWriteIsNotKept) {
  ResponseCache cache(std::chrono::minutes(1));
  // The write commits while the response is being rendered from older data.
  auto r = cache.getOrRender("k", [&] {
    cache.invalidate();
    return CachedResponse{200, "stale", ""};
  });
  EXPECT_EQ(r->body, "stale");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ResponseCache, EvictsTheLeastRecentlyUsedWhenFull) {
  ResponseCache cache(std::chrono::minutes(1), 3);
  int renders = 0;
  auto render = [&] { return CachedResponse{200, std::to_string(++renders), ""}; };
  cache.getOrRender("a", render);
  cache.getOrRender("b", render);
  cache.getOrRender("c", render);
  cache.getOrRender("a", render);  // a is now the most recent; b the least
  cache.getOrRender("d", render);  // evicts b only
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(renders, 4);
  cache.getOrRender("a", render);
  cache.getOrRender("c", render);
  cache.getOrRender("d", render);
  EXPECT_EQ(renders, 4) << "a, c and d stayed";
  cache.getOrRender("b", render);
  EXPECT_EQ(renders, 5) << "b was evicted and rendered again";
}

TEST(ResponseCache, ExpiredEntriesAreRenderedAgain) {
  ResponseCache cache(std::chrono::milliseconds(1));
  int renders = 0;
  auto render = [&] { return CachedResponse{200, std::to_string(++renders), ""}; };
  cache.getOrRender("k", render);
  const auto until = ResponseCache::Clock::now() + std::chrono::milliseconds(3);
  while (ResponseCache::Clock::now() < until) {
  }
  EXPECT_EQ(cache.getOrRender("k", render)->body, "2");
}

TEST(ResponseCache, ZeroTtlDisablesIt) {
  ResponseCache cache(std::chrono::milliseconds(0));
  int renders = 0;
  auto render = [&] { return CachedResponse{200, std::to_string(++renders), ""}; };
  cache.getOrRender("k", render);
  cache.getOrRender("k", render);
  EXPECT_EQ(renders, 2);
}

using Params = std::vector<std::pair<std::string, std::string>>;

// The field of every error of a Problem 400 the call throws.
template <class F>
std::vector<std::string> refusedFields(F call) {
  try {
    call();
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 400);
    std::vector<std::string> fields;
    for (const auto& e : p.errors()) fields.push_back(e.field);
    return fields;
  }
  ADD_FAILURE() << "expected a Problem";
  return {};
}

TEST(ListQuery, NormalisedKeyIgnoresOrderAndDefaults) {
  const auto list = listQuerySchema();
  auto key = [&](const Params& p) { return normalisedKey(list.decodeQuery(p)); };
  EXPECT_EQ(key({{"sort", "name"}, {"limit", "5"}}), key({{"limit", "5"}, {"sort", "name"}, {"page", "1"}}));
  EXPECT_NE(key({{"sort", "name"}, {"limit", "5"}}), key({{"limit", "5"}, {"sort", "price"}}));
  EXPECT_NE(key({{"size", "M;color=1:x"}}), key({{"size", "M"}, {"color", "x"}}));
  EXPECT_EQ(key({{"inStock", "true"}}), key({{"inStock", "1"}}));
}

TEST(ListQuery, RefusesUnknownAndRepeatedParameters) {
  const auto list = listQuerySchema();
  EXPECT_EQ(refusedFields([&] { list.decodeQuery({{"colour", "red"}, {"size", "M"}, {"size", "L"}}); }),
            (std::vector<std::string>{"colour", "size"}));
}

TEST(ListQuery, ChecksValuesRangesAndDepth) {
  const auto list = listQuerySchema();
  for (const Params& bad : std::vector<Params>{{{"limit", "0"}}, {{"limit", "101"}}, {{"page", "0"}},
                                                {{"sort", "cheapest"}}, {{"minPrice", "-1"}}, {{"inStock", "maybe"}},
                                                {{"category", ""}}, {{"size", std::string(33, 'M')}}})
    EXPECT_EQ(refusedFields([&] { list.decodeQuery(bad); }), std::vector<std::string>{bad.front().first});
  EXPECT_EQ(refusedFields([&] { list.decodeQuery({{"minPrice", "5"}, {"maxPrice", "4"}}); }),
            std::vector<std::string>{"minPrice"});
  EXPECT_EQ(refusedFields([&] { list.decodeQuery({{"page", "101"}, {"limit", "100"}}); }),
            std::vector<std::string>{"page"});
  const ListQuery q = list.decodeQuery({{"page", "100"}, {"limit", "100"}, {"inStock", "false"}, {"sort", "-price"}});
  EXPECT_EQ(q.page, 100);
  EXPECT_EQ(q.inStock, false);
  EXPECT_EQ(q.sort, "-price");
  EXPECT_EQ(list.decodeQuery({}).sort, "newest");
}

TEST(ListQuery, SearchNeedsTenWordsAtMost) {
  const auto search = searchQuerySchema();
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({}); }), std::vector<std::string>{"q"});
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({{"q", ""}}); }), std::vector<std::string>{"q"});
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({{"q", "a b c d e f g h i j k"}}); }),
            std::vector<std::string>{"q"});
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({{"q", "dress"}, {"sort", "name"}}); }),
            std::vector<std::string>{"sort"});
  EXPECT_EQ(search.decodeQuery({{"q", "a b c d e f g h i j"}}).q, "a b c d e f g h i j");
}

TEST(WriteSchemas, ProductBodiesAreCheckedFieldByField) {
  const auto create = newProductSchema();
  EXPECT_EQ(refusedFields([&] {
              create.decode(R"({"name":"X","categoryId":"c","price":0,"variants":[{"sku":"bad sku"}],"colour":1})");
            }),
            (std::vector<std::string>{"price", "variants[0].sku", "colour"}));
  EXPECT_EQ(refusedFields([&] {
              create.decode(R"({"name":"X","categoryId":"c","price":5,"variants":[{"sku":"AAA-1"},{"sku":"AAA-1"}]})");
            }),
            std::vector<std::string>{"variants[1].sku"});
  EXPECT_EQ(refusedFields([&] { create.decode(R"({"name":"!!","categoryId":"c","price":5,"variants":[{"sku":"AAA"}]})"); }),
            std::vector<std::string>{"slug"});
  EXPECT_EQ(refusedFields([&] {
              create.decode(R"({"name":"X","categoryId":"c","price":5,"variants":[{"sku":"AAA"}],)"
                            R"("images":[{"url":"ftp://x","publicId":"p"},{"mediaId":"m","url":"https://x"},{"alt":"a"}]})");
            }),
            (std::vector<std::string>{"images[0].url", "images[1].mediaId", "images[2].url", "images[2].publicId"}));
  const NewProduct p = create.decode(
      R"({"name":"Adire Dress","categoryId":"c","price":5,"variants":[{"sku":"ADR-1","price":null}],"images":[{"publicId":"shop/a"}]})");
  EXPECT_FALSE(p.slug);
  EXPECT_EQ(p.status, "active");
  EXPECT_FALSE(p.variants[0].price);
  EXPECT_EQ(p.images[0].publicId, "shop/a");
}

TEST(WriteSchemas, PatchesTellLeftOutFromNull) {
  const auto changes = productChangesSchema();
  EXPECT_EQ(refusedFields([&] { changes.decode(R"({"price":5})"); }), std::vector<std::string>{"version"});
  EXPECT_EQ(refusedFields([&] { changes.decode(R"({"version":1,"name":null,"images":null})"); }),
            (std::vector<std::string>{"name", "images"}));
  const ProductChanges c = changes.decode(R"({"version":2,"description":""})");
  EXPECT_TRUE(c.description.given);
  EXPECT_EQ(c.description.value, "");
  EXPECT_FALSE(c.name.given);

  const auto variant = variantChangesSchema();
  const VariantChanges v = variant.decode(R"({"version":3,"price":null,"size":"L"})");
  EXPECT_TRUE(v.price.given);
  EXPECT_FALSE(v.price.value);
  EXPECT_EQ(v.size.value, "L");
  EXPECT_FALSE(v.color.given);
  EXPECT_EQ(refusedFields([&] { variant.decode(R"({"version":3,"sku":"NEW-1"})"); }), std::vector<std::string>{"sku"});
  EXPECT_EQ(refusedFields([&] { variant.decode(R"({"version":3,"status":"gone"})"); }),
            std::vector<std::string>{"status"});

  const auto category = categoryChangesSchema();
  const CategoryChanges toRoot = category.decode(R"({"parentId":null})");
  EXPECT_TRUE(toRoot.parentId.given);
  EXPECT_FALSE(toRoot.parentId.value);
  EXPECT_EQ(refusedFields([&] { category.decode(R"({"slug":"Not A Slug"})"); }), std::vector<std::string>{"slug"});
  EXPECT_EQ(refusedFields([&] { category.decode(R"({"name":null})"); }), std::vector<std::string>{"name"});
}

TEST(ProductView, TextIsWhatTheSchemaEncodes) {
  const ProductRows rows = sampleProductRows(3);
  const auto product = productSchema();
  std::string encoded = "[";
  for (const auto& p : productViews(rows)) encoded += (encoded.size() > 1 ? "," : "") + product.encode(p);
  encoded += "]";
  EXPECT_EQ(productsText(rows), encoded);
  const std::string one = productsText(sampleProductRows(1));
  EXPECT_TRUE(schema::check(*product.shape(), one.substr(1, one.size() - 2)).empty()) << one;
}

}  // namespace
}  // namespace agape::catalog

namespace agape::catalog {
namespace {

TEST(SearchQuery, TakesTheListsFiltersARelevanceSortAndFacets) {
  const auto search = searchQuerySchema();
  const SearchQuery q = search.decodeQuery({{"q", "dress"}, {"facets", "size,category,size"}, {"color", "Red"}});
  EXPECT_EQ(q.sort, "relevance");
  EXPECT_EQ(facetsAsked(q), (std::vector<std::string>{"category", "size"})) << "each once, in the response's order";
  EXPECT_EQ(q.color, "Red");
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({{"q", "dress"}, {"facets", "size,brand"}}); }),
            std::vector<std::string>{"facets"});
  EXPECT_EQ(refusedFields([&] { search.decodeQuery({{"q", "dress"}, {"facets", ""}}); }),
            std::vector<std::string>{"facets"});
  const auto key = [&](const Params& p) { return normalisedKey(search.decodeQuery(p)); };
  EXPECT_NE(key({{"q", "dress"}}), key({{"q", "dress"}, {"facets", "size"}}));
  EXPECT_EQ(key({{"q", "dress"}, {"facets", "size,color"}}), key({{"facets", "color,size"}, {"q", "dress"}}));
}

TEST(Synonyms, OneGroupPerLineCommaSeparatedWithComments) {
  const std::string path = testing::TempDir() + "agape-synonyms.txt";
  {
    std::ofstream out(path);
    out << "# shoppers' words\n Sneakers , trainers,kicks \n\nlonely\nhead tie, gele # a phrase\n";
  }
  EXPECT_EQ(readSynonyms(path), (std::vector<std::vector<std::string>>{{"sneakers", "trainers", "kicks"},
                                                                        {"head tie", "gele"}}));
  EXPECT_THROW(readSynonyms(path + ".missing"), std::runtime_error);
}

}  // namespace
}  // namespace agape::catalog
