// The kernel's middleware chain around a trivial inline route, against a
// bare handler call: the per-request overhead the kernel adds on top of
// Pistache's parsing (which the load benchmark measures separately).

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agape/json.h"
#include "agape/problem.h"
#include "http/http_metrics.h"
#include "http/middleware/middlewares.h"
#include "http/pipeline.h"
#include "http/rate_limiter.h"
#include "shop_routes.h"

using namespace agape;
using namespace agape::kernel;

namespace {

Response healthHandler(Request&) { return Response::json(R"({"status":"ok"})"); }

// The hello plugin's handler, verbatim in spirit: a parameter into JSON.
Response helloHandler(Request& req) {
  return jsonResponse({{"message", "Hello, " + std::string(req.requireParam("name")) + "!"}});
}

Response conflictHandler(Request&) {
  throw Problem::conflict("version_conflict", "The order changed since you read it; reload and retry.");
}

std::vector<bench::RouteOverride> overrides() {
  RouteOptions inlineOpts;
  inlineOpts.runInline = true;
  return {
      {Method::Get, "/healthz", healthHandler, inlineOpts},
      {Method::Get, "/v1/hello/:name", helloHandler, inlineOpts},
      {Method::Get, "/v1/orders/:id", conflictHandler, inlineOpts},
  };
}

enum class Chain { None, Full };

// A pipeline over the shop table with either no middleware or every kernel
// middleware as the server wires it (no authenticator: no auth plugin).
struct Stack {
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<HttpMetrics> metrics;
  std::unique_ptr<Pipeline> pipeline;

  Stack(Chain chain, bool logLines) {
    // A bucket that never runs dry: the limiter's real bookkeeping runs on
    // every request but never answers 429.
    std::map<std::string, RateLimitClass> classes{{"default", {1e12, std::chrono::seconds(1), 1e12}}};
    limiter = std::make_unique<RateLimiter>(classes);
    Router router = bench::buildShopRouter(overrides());
    metrics = std::make_unique<HttpMetrics>(router);
    std::vector<std::unique_ptr<Middleware>> mw;
    if (chain == Chain::Full) {
      CorsConfig cors;
      cors.allowedOrigins = {"https://shop.example.ng"};
      mw.push_back(makeRequestIdMiddleware());
      mw.push_back(makeAccessLogMiddleware(*metrics, logLines));
      mw.push_back(makeSecurityHeadersMiddleware(false));
      mw.push_back(makeProblemMiddleware());
      mw.push_back(makeCorsMiddleware(cors));
      mw.push_back(makeClientAllowMiddleware({"/metrics"}, CidrSet({"127.0.0.0/8", "::1/128"})));
      mw.push_back(makeRouteMiddleware());
      mw.push_back(makeBodyLimitMiddleware(1 << 20));
      mw.push_back(makeContentTypeMiddleware());
      mw.push_back(makeRateLimitMiddleware(*limiter));
      mw.push_back(makeAuthenticateMiddleware(nullptr));
      mw.push_back(makeAuthorizeMiddleware());
    }
    pipeline = std::make_unique<Pipeline>(std::move(router), std::move(mw));
  }
};

// What the server copies out of a wrk request (plus a browser Origin).
void fillRequest(Request& r, Method method, const std::string& path) {
  r.method = method;
  r.path = path;
  r.clientIp = "127.0.0.1";
  r.headers.add("Host", "127.0.0.1:8080");
  r.headers.add("Origin", "https://shop.example.ng");
  r.headers.add("User-Agent", "wrk/4.2.0");
}

// One request as HttpServer::Handler::onRequest drives it: fresh exchange,
// resolve, run.
Exchange serve(const Pipeline& pipeline, Method method, const std::string& path) {
  Exchange ex;
  fillRequest(ex.request, method, path);
  pipeline.resolve(ex);
  pipeline.run(ex);
  return ex;
}

bool check(benchmark::State& state, const Exchange& ex, int status, bool fullChain) {
  bool ok = ex.response.status == status;
  if (fullChain)
    ok = ok && ex.response.headers.has("X-Request-Id") && ex.response.headers.has("X-Content-Type-Options") &&
         ex.response.headers.has("Access-Control-Allow-Origin");
  if (!ok) state.SkipWithError(("unexpected response " + std::to_string(ex.response.status)).c_str());
  return ok;
}

void runServe(benchmark::State& state, const Stack& stack, Method method, const std::string& path, int status,
              bool fullChain) {
  if (!check(state, serve(*stack.pipeline, method, path), status, fullChain)) return;
  for (auto _ : state) {
    Exchange ex = serve(*stack.pipeline, method, path);
    benchmark::DoNotOptimize(ex.response.body.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// Baseline: build the request and call the handler directly.
void BM_BareHandlerCall(benchmark::State& state) {
  Handler handler = healthHandler;
  for (auto _ : state) {
    Request r;
    fillRequest(r, Method::Get, "/healthz");
    Response resp = handler(r);
    benchmark::DoNotOptimize(resp.body.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareHandlerCall);

// Routing and dispatch only: a pipeline with an empty chain.
void BM_PipelineNoMiddleware(benchmark::State& state) {
  Stack stack(Chain::None, false);
  runServe(state, stack, Method::Get, "/healthz", 200, false);
}
BENCHMARK(BM_PipelineNoMiddleware);

// Every kernel middleware, access log lines off (metrics still recorded).
void BM_PipelineFullChain(benchmark::State& state) {
  Stack stack(Chain::Full, false);
  runServe(state, stack, Method::Get, "/healthz", 200, true);
}
BENCHMARK(BM_PipelineFullChain);

// As above with the hello plugin's handler (parameter + nlohmann JSON).
void BM_PipelineFullChainHello(benchmark::State& state) {
  Stack stack(Chain::Full, false);
  runServe(state, stack, Method::Get, "/v1/hello/ada", 200, true);
}
BENCHMARK(BM_PipelineFullChainHello);

// Every kernel middleware with JSON access log lines written to stderr,
// redirected to /dev/null while the benchmark runs.
void BM_PipelineFullChainAccessLog(benchmark::State& state) {
  Stack stack(Chain::Full, true);
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  int devNull = ::open("/dev/null", O_WRONLY);
  if (saved < 0 || devNull < 0) {
    state.SkipWithError("cannot redirect stderr to /dev/null");
    return;
  }
  ::dup2(devNull, STDERR_FILENO);
  runServe(state, stack, Method::Get, "/healthz", 200, true);
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(devNull);
}
BENCHMARK(BM_PipelineFullChainAccessLog);

// A handler throwing a Problem, caught and mapped to problem+json by the
// chain (compare with BM_PipelineFullChain for the price of the exception).
void BM_PipelineProblemThrown(benchmark::State& state) {
  Stack stack(Chain::Full, false);
  runServe(state, stack, Method::Get, "/v1/orders/ord_8f14e45fceea167a", 409, true);
}
BENCHMARK(BM_PipelineProblemThrown);

// No route: the route middleware throws a 404 Problem.
void BM_PipelineNotFound(benchmark::State& state) {
  Stack stack(Chain::Full, false);
  runServe(state, stack, Method::Get, "/v1/products/42/unknown", 404, true);
}
BENCHMARK(BM_PipelineNotFound);

// The exception alone: throw a Problem, catch it, map it into a response.
void BM_ProblemThrowAndMap(benchmark::State& state) {
  for (auto _ : state) {
    Exchange ex;
    ex.request.requestId = "0190c3f2-7b1e-7a3c-9d4e-5f6a7b8c9d0e";
    try {
      throw Problem::conflict("version_conflict", "The order changed since you read it; reload and retry.");
    } catch (const Problem& p) {
      applyProblem(ex, p);
    }
    benchmark::DoNotOptimize(ex.response.body.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProblemThrowAndMap);

}  // namespace
