// Router::match on a shop-sized table (~65 routes): what every request pays
// before the middleware chain runs.

#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

#include "http/router.h"
#include "shop_routes.h"

using agape::Method;
using agape::kernel::Router;

namespace {

const Router& shopRouter() {
  static const Router router = agape::bench::buildShopRouter();
  return router;
}

// Fails the benchmark (instead of timing the wrong path) when the table does
// not answer the way the case expects.
void expectOutcome(benchmark::State& state, Method method, const std::string& path, Router::Outcome want) {
  if (shopRouter().match(method, path).outcome != want) state.SkipWithError(("unexpected outcome for " + path).c_str());
}

void runMatch(benchmark::State& state, Method method, const std::string& path, Router::Outcome want) {
  const Router& router = shopRouter();
  expectOutcome(state, method, path, want);
  for (auto _ : state) {
    auto m = router.match(method, path);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}

// GET /v1/products: three static segments.
void BM_RouterStaticHit(benchmark::State& state) {
  runMatch(state, Method::Get, "/v1/products", Router::Outcome::Found);
}
BENCHMARK(BM_RouterStaticHit);

// GET /healthz: one static segment at the root.
void BM_RouterStaticHitRoot(benchmark::State& state) {
  runMatch(state, Method::Get, "/healthz", Router::Outcome::Found);
}
BENCHMARK(BM_RouterStaticHitRoot);

// GET /v1/products/:id: one parameter, captured and percent-decoded.
void BM_RouterParamHit(benchmark::State& state) {
  runMatch(state, Method::Get, "/v1/products/0190c3f2-7b1e-7a3c-9d4e-5f6a7b8c9d0e", Router::Outcome::Found);
}
BENCHMARK(BM_RouterParamHit);

// GET /v1/hello/:name, the route of the load test.
void BM_RouterHelloParam(benchmark::State& state) {
  runMatch(state, Method::Get, "/v1/hello/ada", Router::Outcome::Found);
}
BENCHMARK(BM_RouterHelloParam);

// GET /v1/orders/:id/shipments/:shipmentId/events: five segments, two params.
void BM_RouterDeepParam(benchmark::State& state) {
  runMatch(state, Method::Get, "/v1/orders/ord_8f14e45fceea167a/shipments/shp_45c48cce2e2d7fbd/events",
           Router::Outcome::Found);
}
BENCHMARK(BM_RouterDeepParam);

// GET /v1/products/:id/unknown: walks the catalogue branch, then misses.
void BM_RouterNotFound(benchmark::State& state) {
  runMatch(state, Method::Get, "/v1/products/42/unknown", Router::Outcome::NotFound);
}
BENCHMARK(BM_RouterNotFound);

// GET /v2/nothing: misses at the first segment.
void BM_RouterNotFoundShallow(benchmark::State& state) {
  runMatch(state, Method::Get, "/v2/nothing", Router::Outcome::NotFound);
}
BENCHMARK(BM_RouterNotFoundShallow);

// PUT /v1/orders: the path exists for GET and POST only; the match collects
// the allowed methods for the Allow header.
void BM_RouterMethodNotAllowed(benchmark::State& state) {
  runMatch(state, Method::Put, "/v1/orders", Router::Outcome::MethodNotAllowed);
}
BENCHMARK(BM_RouterMethodNotAllowed);

// Building and freezing the whole table (start-up cost, for scale).
void BM_RouterBuildTable(benchmark::State& state) {
  for (auto _ : state) {
    Router r = agape::bench::buildShopRouter();
    benchmark::DoNotOptimize(r);
  }
  state.counters["routes"] = static_cast<double>(agape::bench::shopRouteSpecs().size());
}
BENCHMARK(BM_RouterBuildTable)->Unit(benchmark::kMicrosecond);

}  // namespace
