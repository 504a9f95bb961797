// Arbitrary paths against a shop-like route table: matching must never
// crash, and a Found match must name a route whose template has as many
// parameters as were captured.
#include <cstdint>
#include <string_view>

#include "http/router.h"

using namespace agape;
using namespace agape::kernel;

namespace {
const Router& router() {
  static Router r = [] {
    RouteTable t;
    for (const char* p : {"/v1/products", "/v1/products/search", "/v1/products/:idOrSlug",
                          "/v1/products/:id/variants/:variantId", "/v1/cart/items/:id", "/v1/orders/:id/cancel",
                          "/v1/media/:publicId", "/healthz", "/"}) {
      Route route;
      route.method = Method::Get;
      route.pathTemplate = p;
      route.pluginId = "fuzz";
      route.handler = [](Request&) { return Response::noContent(); };
      t.add(route);
    }
    return std::move(t).freeze();
  }();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Method m = static_cast<Method>(data[0] % 7);
  std::string_view path(reinterpret_cast<const char*>(data + 1), size - 1);
  auto match = router().match(m, path);
  if (match.outcome == Router::Outcome::Found) {
    std::size_t params = 0;
    for (char c : match.route->pathTemplate) params += c == ':';
    if (params != match.params.size()) __builtin_trap();
  }
  router().allowedMethods(path);
  percentDecode(path, true);
  return 0;
}
