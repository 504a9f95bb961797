// The commerce plugins' parsers of client and provider input: order time
// filters, coupon codes, Paystack charge objects (webhook and verify data),
// query strings decoded by a route's query Schema, Idempotency-Keys. The first byte picks
// the parser; the rest is its input. Each must return or throw agape::Problem
// (or nothing), never crash or hang.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <optional>
#include <utility>
#include <vector>

#include <agape/clock.h>
#include <agape/idempotency.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/schema.h>

#include "coupon_book.h"
#include "order_wire.h"
#include "provider.h"

namespace {

// A list route's query: an enum, times, text and the page.
struct ListQuery {
  std::optional<agape::orders::Status> status;
  std::optional<agape::Timestamp> from;
  std::optional<std::string> userId;
  int page = 1;
  int limit = 20;
};

const agape::Schema<ListQuery>& listQuery() {
  static agape::Schema<ListQuery> q = [] {
    agape::Schema<ListQuery> s;
    s.field("status", &ListQuery::status, agape::orders::orderStatusNames(), {.optional = true})
        .field("from", &ListQuery::from, {.optional = true})
        .field("userId", &ListQuery::userId, {.optional = true, .maxLength = 100});
    return agape::withPages(s);
  }();
  return q;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0: (void)agape::parseTime(input); break;
      case 1: (void)agape::orders::CouponBook::normalise(input); break;
      case 2: (void)agape::payments::chargeFromJson(agape::Json::parse(input, nullptr, false)); break;
      case 3: {
        std::vector<std::pair<std::string, std::string>> params;
        // name=value pairs, one per line.
        std::size_t start = 0;
        while (start <= input.size()) {
          const auto end = std::min(input.find('\n', start), input.size());
          const std::string line = input.substr(start, end - start);
          const auto eq = line.find('=');
          params.emplace_back(line.substr(0, eq), eq == std::string::npos ? "" : line.substr(eq + 1));
          start = end + 1;
        }
        (void)listQuery().decodeQuery(params);
        break;
      }
      default: agape::checkIdempotencyKey(input); break;
    }
  } catch (const agape::Problem&) {
  }
  return 0;
}
