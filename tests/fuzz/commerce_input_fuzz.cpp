// The commerce plugins' parsers of client and provider input: order time
// filters, coupon codes, Paystack charge objects (webhook and verify data),
// query strings read by QueryReader, Idempotency-Keys. The first byte picks
// the parser; the rest is its input. Each must return or throw agape::Problem
// (or nothing), never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include <agape/http.h>
#include <agape/idempotency.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/query.h>

#include "coupon_book.h"
#include "orders_api.h"
#include "provider.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0: (void)agape::orders::parseTime(input); break;
      case 1: (void)agape::orders::CouponBook::normalise(input); break;
      case 2: (void)agape::payments::chargeFromJson(agape::Json::parse(input, nullptr, false)); break;
      case 3: {
        agape::Request req;
        // name=value pairs, one per line.
        std::size_t start = 0;
        while (start <= input.size()) {
          const auto end = std::min(input.find('\n', start), input.size());
          const std::string line = input.substr(start, end - start);
          const auto eq = line.find('=');
          req.queryParams.emplace_back(line.substr(0, eq), eq == std::string::npos ? "" : line.substr(eq + 1));
          start = end + 1;
        }
        agape::QueryReader q(req, {"page", "limit", "status", "from"});
        (void)q.integer("page", 1, 1'000'000);
        (void)q.integer("limit", 1, 100);
        (void)q.choice("status", {"pending", "paid"});
        (void)q.text("from", 40);
        q.finish();
        break;
      }
      default: agape::checkIdempotencyKey(input); break;
    }
  } catch (const agape::Problem&) {
  }
  return 0;
}
