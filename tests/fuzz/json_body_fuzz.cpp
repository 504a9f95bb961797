// Request bodies through the SDK's JSON helper: only Problem (400) may come
// out, never another exception or a crash.
#include <cstdint>

#include "agape/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  agape::Request req;
  req.body.assign(reinterpret_cast<const char*>(data), size);
  try {
    auto j = agape::parseJsonObject(req, {"variantId", "quantity", "shippingAddress", "couponCode"});
    agape::jsonResponse(j);
  } catch (const agape::Problem& p) {
    if (p.status() != 400) __builtin_trap();
  }
  return 0;
}
