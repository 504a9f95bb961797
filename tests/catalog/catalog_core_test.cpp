// Unit tests of the catalogue core: ids, slugs, SKUs, search terms, ETags,
// the response cache's generation rule and query normalisation.
#include <gtest/gtest.h>

#include <regex>

#include <agape/json.h>
#include <agape/json_text.h>
#include <agape/problem.h>

#include "list_query.h"
#include "response_cache.h"
#include "text_util.h"

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

TEST(ListQuery, NormalisedKeyIgnoresOrderAndDefaults) {
  Request a, b, c;
  a.queryParams = {{"sort", "name"}, {"limit", "5"}};
  b.queryParams = {{"limit", "5"}, {"sort", "name"}, {"page", "1"}};
  c.queryParams = {{"limit", "5"}, {"sort", "price"}};
  EXPECT_EQ(normalisedKey(parseListQuery(a)), normalisedKey(parseListQuery(b)));
  EXPECT_NE(normalisedKey(parseListQuery(a)), normalisedKey(parseListQuery(c)));
  Request d, e;
  d.queryParams = {{"size", "M;color=1:x"}};
  e.queryParams = {{"size", "M"}, {"color", "x"}};
  EXPECT_NE(normalisedKey(parseListQuery(d)), normalisedKey(parseListQuery(e)));
}

TEST(ListQuery, RefusesUnknownAndRepeatedParameters) {
  Request r;
  r.queryParams = {{"colour", "red"}, {"size", "M"}, {"size", "L"}};
  try {
    parseListQuery(r);
    FAIL() << "expected a Problem";
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 400);
    ASSERT_EQ(p.errors().size(), 2u);
    EXPECT_EQ(p.errors()[0].field, "colour");
    EXPECT_EQ(p.errors()[1].field, "size");
  }
}

}  // namespace
}  // namespace agape::catalog
