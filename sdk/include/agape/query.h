#pragma once
// Strict reading of a request's query string (API.md: unknown parameters are
// refused): only the names a route reads, each at most once, typed values
// checked against their range. Every problem is collected and finish()
// throws them together as one 400 validation_failed.
//
//   QueryReader q(req, {"status", "page", "limit"});
//   const int page = static_cast<int>(q.integer("page", 1, 1'000'000).value_or(1));
//   const auto status = q.choice("status", {"pending", "paid"});
//   q.finish();
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/http.h"
#include "agape/problem.h"

namespace agape {

// `page` (1-based) and `limit` (1..100, default 20) of API.md's lists.
struct PageRequest {
  int page = 1;
  int limit = 20;
};

// The two parameters for a route's RouteOptions::query, alone or after the
// route's own.
std::vector<QueryParam> pageQuery();
std::vector<QueryParam> withPages(std::vector<QueryParam> own);

class QueryReader {
 public:
  QueryReader(const Request& request, std::initializer_list<std::string_view> allowed);
  // The raw value (empty strings included), at most `maxLength` bytes.
  std::optional<std::string> text(std::string_view name, std::size_t maxLength = 200);
  std::optional<long long> integer(std::string_view name, long long min, long long max);
  // One of `allowed`.
  std::optional<std::string> choice(std::string_view name, const std::vector<std::string>& allowed);
  // A date or an RFC 3339 time (agape::parseTime), as Unix ms: the `from`
  // and `to` of lists by time.
  std::optional<long long> time(std::string_view name);
  // `page` and `limit`, checked (the reader must allow both names).
  PageRequest page();
  // Records a problem of the caller's own checks.
  void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const { return errors_.empty(); }
  // Throws Problem::validation with every recorded problem, if any.
  void finish();

 private:
  const Request& request_;
  std::vector<FieldError> errors_;
};

}  // namespace agape
