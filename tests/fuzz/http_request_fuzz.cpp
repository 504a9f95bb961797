// Whole requests (method, path, headers, body) through the full middleware
// chain: every outcome must be a well-formed response with a status in
// 1xx..5xx, whatever the input.
#include <cstdint>
#include <string>

#include "http/http_metrics.h"
#include "http/middleware/middlewares.h"
#include "http/pipeline.h"
#include "http/rate_limiter.h"

using namespace agape;
using namespace agape::kernel;

namespace {

struct Chain {
  std::unique_ptr<RateLimiter> limiter = std::make_unique<RateLimiter>(std::map<std::string, RateLimitClass>{});
  std::unique_ptr<HttpMetrics> metrics;
  std::unique_ptr<Pipeline> pipeline;
  Chain() {
    RouteTable t;
    auto add = [&](Method m, const char* p, RouteOptions o) {
      Route r;
      r.method = m;
      r.pathTemplate = p;
      r.pluginId = "fuzz";
      r.options = std::move(o);
      r.handler = [](Request& q) { return Response::json("{\"n\":" + std::to_string(q.body.size()) + "}"); };
      t.add(r);
    };
    add(Method::Get, "/v1/things/:id", {});
    add(Method::Post, "/v1/things", {.bodyLimit = 64});
    add(Method::Delete, "/v1/things/:id", {.access = Access::Roles, .roles = {"admin"}});
    Router router = std::move(t).freeze();
    metrics = std::make_unique<HttpMetrics>(router);
    CorsConfig cors;
    cors.allowedOrigins = {"https://shop.example.ng"};
    std::vector<std::unique_ptr<Middleware>> mw;
    mw.push_back(makeRequestIdMiddleware());
    mw.push_back(makeAccessLogMiddleware(*metrics, false));
    mw.push_back(makeSecurityHeadersMiddleware(true));
    mw.push_back(makeProblemMiddleware());
    mw.push_back(makeCorsMiddleware(cors));
    mw.push_back(makeRouteMiddleware());
    mw.push_back(makeBodyLimitMiddleware(1024));
    mw.push_back(makeContentTypeMiddleware());
    mw.push_back(makeRateLimitMiddleware(*limiter));
    mw.push_back(makeAuthenticateMiddleware(nullptr));
    mw.push_back(makeAuthorizeMiddleware());
    pipeline = std::make_unique<Pipeline>(std::move(router), std::move(mw));
  }
};

// Splits the input on '\n': method byte, path, then "name: value" headers
// until an empty line, then the body.
Exchange decode(const std::uint8_t* data, std::size_t size) {
  Exchange ex;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (in.empty()) return ex;
  ex.request.method = static_cast<Method>(static_cast<unsigned char>(in[0]) % 7);
  in.remove_prefix(1);
  auto line = [&]() {
    auto nl = in.find('\n');
    std::string_view l = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    return l;
  };
  ex.request.path = std::string(line());
  while (!in.empty()) {
    std::string_view h = line();
    if (h.empty()) break;
    auto colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    ex.request.headers.add(std::string(h.substr(0, colon)), std::string(h.substr(colon + 1)));
  }
  ex.request.body = std::string(in);
  ex.request.clientIp = "203.0.113.7";
  return ex;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Chain chain;
  Exchange ex = decode(data, size);
  chain.pipeline->resolve(ex);
  chain.pipeline->run(ex);
  if (ex.response.status < 100 || ex.response.status > 599) __builtin_trap();
  if (!ex.response.headers.has("X-Request-Id")) __builtin_trap();
  return 0;
}
