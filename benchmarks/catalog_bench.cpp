// The catalogue's cached reads on contracts: the list query decoded through
// its Schema and turned into the cache key (the fast path's work on every
// hit) against the hand-written parser it replaced, and a page of 20
// products written straight to text (what the routes serve) against the
// same page built as structs and encoded by its response Schema.

#include <benchmark/benchmark.h>

#include <charconv>
#include <set>

#include <agape/http.h>
#include <agape/problem.h>

#include "catalog_sample_rows.h"
#include "list_query.h"
#include "product_reader.h"

using namespace agape;
using namespace agape::catalog;

namespace {

// --- the list query parser before contracts ---------------------------------

std::optional<long long> toInt(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

class HandReader {
 public:
  HandReader(const Request& r, std::set<std::string, std::less<>> allowed) : r_(r) {
    std::set<std::string, std::less<>> seen;
    for (const auto& [k, v] : r.queryParams) {
      if (!allowed.count(k))
        errors_.push_back({k, "is not a known parameter"});
      else if (!seen.insert(k).second)
        errors_.push_back({k, "must be given once"});
    }
  }
  std::optional<std::string> text(std::string_view name, std::size_t maxLen) {
    auto v = r_.query(name);
    if (!v) return std::nullopt;
    if (v->empty() || v->size() > maxLen) {
      errors_.push_back({std::string(name), "must be 1 to " + std::to_string(maxLen) + " characters"});
      return std::nullopt;
    }
    return std::string(*v);
  }
  std::optional<long long> integer(std::string_view name, long long min, long long max) {
    auto v = r_.query(name);
    if (!v) return std::nullopt;
    auto n = toInt(*v);
    if (!n || *n < min || *n > max) {
      errors_.push_back({std::string(name), "must be an integer between " + std::to_string(min) + " and " +
                                                std::to_string(max)});
      return std::nullopt;
    }
    return n;
  }
  std::optional<bool> boolean(std::string_view name) {
    auto v = r_.query(name);
    if (!v) return std::nullopt;
    if (*v == "true") return true;
    if (*v == "false") return false;
    errors_.push_back({std::string(name), "must be true or false"});
    return std::nullopt;
  }
  void paging(ListQuery& q) {
    q.page = static_cast<int>(integer("page", 1, 1'000'000).value_or(1));
    q.limit = static_cast<int>(integer("limit", 1, 100).value_or(20));
    if (static_cast<long long>(q.page) * q.limit > kMaxPagedRows) fail("page", "too deep");
  }
  void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  void finish() {
    if (!errors_.empty()) throw Problem::validation(std::move(errors_));
  }

 private:
  const Request& r_;
  std::vector<FieldError> errors_;
};

ListQuery parseListQueryByHand(const Request& request) {
  constexpr long long kMaxPrice = 1'000'000'000'000LL;
  HandReader r(request, {"category", "minPrice", "maxPrice", "size", "color", "inStock", "sort", "page", "limit"});
  ListQuery q;
  q.category = r.text("category", 120);
  q.minPrice = r.integer("minPrice", 0, kMaxPrice);
  q.maxPrice = r.integer("maxPrice", 0, kMaxPrice);
  q.size = r.text("size", 32);
  q.color = r.text("color", 32);
  q.inStock = r.boolean("inStock");
  if (auto s = request.query("sort")) {
    if (*s == "newest" || *s == "price" || *s == "-price" || *s == "name")
      q.sort = std::string(*s);
    else
      r.fail("sort", "must be one of newest, price, -price, name");
  }
  if (q.minPrice && q.maxPrice && *q.minPrice > *q.maxPrice) r.fail("minPrice", "must not exceed maxPrice");
  r.paging(q);
  r.finish();
  return q;
}

// What the load test asks (benchmarks/load/catalog.sh), and a filtered list.
Request listRequest(bool filtered) {
  Request req;
  req.queryParams = {{"page", "1"}, {"limit", "20"}};
  if (filtered)
    req.queryParams = {{"category", "women"}, {"size", "M"}, {"color", "red"}, {"minPrice", "500000"},
                       {"sort", "price"}, {"page", "2"}, {"limit", "20"}};
  return req;
}

void BM_ListQueryKeyByHand(benchmark::State& state) {
  const Request req = listRequest(state.range(0) != 0);
  for (auto _ : state) benchmark::DoNotOptimize("list|" + normalisedKey(parseListQueryByHand(req)));
}
BENCHMARK(BM_ListQueryKeyByHand)->Arg(0)->Arg(1);

void BM_ListQueryKeyBySchema(benchmark::State& state) {
  const Request req = listRequest(state.range(0) != 0);
  const auto schema = listQuerySchema();
  for (auto _ : state) benchmark::DoNotOptimize("list|" + normalisedKey(schema.decodeQuery(req.queryParams)));
}
BENCHMARK(BM_ListQueryKeyBySchema)->Arg(0)->Arg(1);

// --- a list page of 20 products ----------------------------------------------

void BM_ListPageWrittenAsText(benchmark::State& state) {
  const ProductPage page{sampleProductRows(20), 1, 20, 10'000};
  for (auto _ : state) benchmark::DoNotOptimize(pageText(page));
}
BENCHMARK(BM_ListPageWrittenAsText);

void BM_ListPageEncodedBySchema(benchmark::State& state) {
  const ProductPage page{sampleProductRows(20), 1, 20, 10'000};
  const auto schema = pageSchema(productSchema());
  for (auto _ : state) benchmark::DoNotOptimize(schema.encode(pageOf(page)));
}
BENCHMARK(BM_ListPageEncodedBySchema);

// The Schema's share of the above: the structs built once, encoded each time.
void BM_ListPageEncodeOnly(benchmark::State& state) {
  const auto view = pageOf(ProductPage{sampleProductRows(20), 1, 20, 10'000});
  const auto schema = pageSchema(productSchema());
  for (auto _ : state) benchmark::DoNotOptimize(schema.encode(view));
}
BENCHMARK(BM_ListPageEncodeOnly);

}  // namespace
