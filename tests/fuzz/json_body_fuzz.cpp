// Request bodies through a Schema, as a route's contract decodes them: only
// a 400 Problem may come out, never another exception or a crash; what
// decodes encodes again.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agape/schema.h"

namespace {

struct Line {
  std::string variantId;
  long long quantity = 1;
};
struct Address {
  std::string fullName;
  std::optional<std::string> line2;
  std::string country = "NG";
};
struct Body {
  std::vector<Line> items;
  Address shippingAddress;
  std::optional<std::string> couponCode;
  agape::Patch<long long> lowStockThreshold;
  std::optional<agape::Timestamp> at;
  std::map<std::string, std::string> metadata;
  agape::JsonText attributes;
};

const agape::Schema<Body>& schema() {
  static const agape::Schema<Body> s = [] {
    const auto line = agape::Schema<Line>()
                          .field("variantId", &Line::variantId, {.minLength = 1, .maxLength = 100})
                          .field("quantity", &Line::quantity, {.optional = true, .min = 1, .max = 100});
    const auto address = agape::Schema<Address>()
                             .field("fullName", &Address::fullName, {.trim = true, .minLength = 1, .maxLength = 100})
                             .field("line2", &Address::line2, {.optional = true, .omitWhenNull = true})
                             .field("country", &Address::country, {.optional = true, .oneOf = {"NG", "GH"}});
    return agape::Schema<Body>()
        .field("items", &Body::items, line, {.optional = true, .maxItems = 50})
        .field("shippingAddress", &Body::shippingAddress, address)
        .field("couponCode", &Body::couponCode, {.optional = true, .format = "email"})
        .field("lowStockThreshold", &Body::lowStockThreshold, {.min = 0})
        .field("at", &Body::at, {.optional = true})
        .field("metadata", &Body::metadata, {.optional = true})
        .field("attributes", &Body::attributes, {.optional = true});
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    (void)schema().encode(schema().decode(body));
  } catch (const agape::Problem& p) {
    if (p.status() != 400) __builtin_trap();
  }
  return 0;
}
