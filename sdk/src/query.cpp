#include "agape/query.h"

#include <algorithm>
#include <charconv>

#include "agape/clock.h"

namespace agape {

QueryReader::QueryReader(const Request& request, std::initializer_list<std::string_view> allowed) : request_(request) {
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : request.queryParams) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(name)) == allowed.end())
      errors_.push_back({name, "is not a known parameter"});
    else if (std::find(seen.begin(), seen.end(), std::string_view(name)) != seen.end())
      errors_.push_back({name, "must be given once"});
    seen.push_back(name);
  }
}

std::optional<std::string> QueryReader::text(std::string_view name, std::size_t maxLength) {
  const auto v = request_.query(name);
  if (!v) return std::nullopt;
  if (v->size() > maxLength) {
    fail(std::string(name), "must be at most " + std::to_string(maxLength) + " characters");
    return std::nullopt;
  }
  return std::string(*v);
}

std::optional<long long> QueryReader::integer(std::string_view name, long long min, long long max) {
  const auto v = request_.query(name);
  if (!v) return std::nullopt;
  long long n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    fail(std::string(name), "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> QueryReader::choice(std::string_view name, const std::vector<std::string>& allowed) {
  const auto v = request_.query(name);
  if (!v) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(std::string(name), "must be one of " + list);
    return std::nullopt;
  }
  return std::string(*v);
}

std::optional<long long> QueryReader::time(std::string_view name) {
  const auto text = this->text(name, 40);
  if (!text) return std::nullopt;
  const auto ms = parseTime(*text);
  if (!ms) fail(std::string(name), "must be a date (2026-11-24) or an RFC 3339 time (2026-11-24T10:15:00Z)");
  return ms;
}

std::vector<QueryParam> pageQuery() {
  return {{.name = "page", .type = "integer", .description = "1-based page number (default 1)"},
          {.name = "limit", .type = "integer", .description = "items per page, 1 to 100 (default 20)"}};
}

std::vector<QueryParam> withPages(std::vector<QueryParam> own) {
  for (auto& p : pageQuery()) own.push_back(std::move(p));
  return own;
}

PageRequest QueryReader::page() {
  PageRequest p;
  p.page = static_cast<int>(integer("page", 1, 1'000'000).value_or(p.page));
  p.limit = static_cast<int>(integer("limit", 1, 100).value_or(p.limit));
  return p;
}

void QueryReader::finish() {
  if (!errors_.empty()) throw Problem::validation(std::move(errors_));
}

}  // namespace agape
