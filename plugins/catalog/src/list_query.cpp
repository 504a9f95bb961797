#include "list_query.h"

#include <charconv>
#include <set>
#include <vector>

#include <agape/problem.h>

#include "text_util.h"

namespace agape::catalog {
namespace {

std::optional<long long> toInt(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

class Reader {
 public:
  Reader(const Request& r, std::set<std::string, std::less<>> allowed) : r_(r) {
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
  // Deep pages cost the database the whole skipped prefix (OFFSET) for
  // every request, so a client walks at most kMaxPagedRows rows deep.
  void paging(ListQuery& q) {
    q.page = static_cast<int>(integer("page", 1, 1'000'000).value_or(1));
    q.limit = static_cast<int>(integer("limit", 1, 100).value_or(20));
    if (static_cast<long long>(q.page) * q.limit > kMaxPagedRows)
      fail("page", "page × limit must be at most " + std::to_string(kMaxPagedRows) +
                       ": narrow the search or the filters to see further");
  }
  void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  void finish() {
    if (!errors_.empty()) throw Problem::validation(std::move(errors_));
  }

 private:
  const Request& r_;
  std::vector<FieldError> errors_;
};

constexpr long long kMaxPrice = 1'000'000'000'000LL;

}  // namespace

ListQuery parseListQuery(const Request& request) {
  Reader r(request, {"category", "minPrice", "maxPrice", "size", "color", "inStock", "sort", "page", "limit"});
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

ListQuery parseSearchQuery(const Request& request) {
  Reader r(request, {"q", "page", "limit"});
  ListQuery q;
  auto text = request.query("q");
  if (!text || text->empty() || text->size() > 200)
    r.fail("q", "is required, 1 to 200 characters");
  else if (searchWordCount(*text) > kMaxSearchWords)
    r.fail("q", "must have at most " + std::to_string(kMaxSearchWords) + " words");
  else
    q.q = std::string(*text);
  r.paging(q);
  r.finish();
  return q;
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

}  // namespace agape::catalog
