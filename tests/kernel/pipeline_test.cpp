#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agape/db.h"
#include "http/http_metrics.h"
#include "http/middleware/middlewares.h"
#include "http/pipeline.h"
#include "http/rate_limiter.h"

using namespace agape;
using namespace agape::kernel;
using nlohmann::json;

namespace {

// Accepts "Bearer <id>:<role>,<role>"; anything else after Bearer is 401.
class FakeAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> authenticate(const Request& r) const override {
    auto h = r.headers.get("Authorization");
    if (!h) return std::nullopt;
    std::string v(*h);
    if (v.rfind("Bearer ", 0) != 0 || v.find(':') == std::string::npos)
      throw Problem::unauthorized("The access token is not valid.");
    Principal p;
    auto token = v.substr(7);
    p.id = token.substr(0, token.find(':'));
    std::string roles = token.substr(token.find(':') + 1);
    for (std::size_t pos = 0; pos <= roles.size();) {
      auto comma = roles.find(',', pos);
      p.roles.push_back(roles.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    return p;
  }
};

struct Fixture {
  std::chrono::steady_clock::time_point now{std::chrono::seconds(1000)};
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<HttpMetrics> metrics;
  std::unique_ptr<RateLimiter> limiter;
  int fastCalls = 0;
  std::string clientIp = "10.1.1.1";  // of the next call
  bool forwardedUnverified = false;

  Fixture() {
    RouteTable t;
    auto add = [&](Method m, std::string path, Handler h, RouteOptions o = {}) {
      Route r;
      r.method = m;
      r.pathTemplate = std::move(path);
      r.handler = std::move(h);
      r.options = std::move(o);
      r.pluginId = "test";
      t.add(std::move(r));
    };
    auto echo = [](Request& r) {
      json j = {{"path", r.path}, {"body", r.body}};
      for (auto& [k, v] : r.pathParams) j["params"][k] = v;
      if (r.principal) j["principal"] = r.principal->id;
      return Response::json(j.dump());
    };
    add(Method::Get, "/v1/things/:id", echo);
    add(Method::Post, "/v1/things", echo, {.bodyLimit = 16});
    add(Method::Get, "/v1/me", echo, {.access = Access::Authenticated});
    add(Method::Delete, "/v1/admin/things/:id", echo, {.access = Access::Roles, .roles = {"admin", "merchant"}});
    add(Method::Get, "/v1/limited", echo, {.rateLimitClass = "tight"});
    // A fast path that answers "hit" from memory and declines anything else.
    auto fast = [this](Request& r) -> std::optional<Response> {
      ++fastCalls;
      const std::string id(r.requireParam("id"));
      if (id == "bad") throw Problem::validation({{"id", "is not valid"}});
      if (id != "hit") return std::nullopt;
      return Response::json(R"({"from":"memory"})");
    };
    add(Method::Get, "/v1/fast/:id", echo, {.rateLimitClass = "tight", .fastPath = fast});
    add(Method::Get, "/v1/staff/fast/:id", echo, {.access = Access::Roles, .roles = {"admin"}, .fastPath = fast});
    add(Method::Get, "/v1/boom", [](Request&) -> Response { throw std::runtime_error("SELECT secret FROM users"); });
    add(Method::Get, "/v1/db", [](Request&) -> Response { throw DbError(DbError::Kind::Unavailable, "connection refused to 10.0.0.3"); });
    add(Method::Get, "/v1/conflict", [](Request&) -> Response { throw Problem::conflict("version_conflict", "stale"); });
    add(Method::Get, "/metrics", echo, {.rateLimitClass = "none"});
    Router router = std::move(t).freeze();

    std::map<std::string, RateLimitClass> classes{{"default", {}}, {"tight", {2, std::chrono::seconds(1), 2}}};
    limiter = std::make_unique<RateLimiter>(classes, [this] { return now; });
    CorsConfig cors;
    cors.allowedOrigins = {"https://shop.example.ng"};
    std::vector<std::unique_ptr<Middleware>> mw;
    // Deliberately registered out of order: the pipeline sorts by priority.
    mw.push_back(makeAuthorizeMiddleware());
    mw.push_back(makeAuthenticateMiddleware(std::make_shared<FakeAuthenticator>()));
    mw.push_back(makeRateLimitMiddleware(*limiter));
    mw.push_back(makeContentTypeMiddleware());
    mw.push_back(makeBodyLimitMiddleware(1024));
    mw.push_back(makeRouteMiddleware());
    mw.push_back(makeCorsMiddleware(cors));
    mw.push_back(makeClientAllowMiddleware({"/metrics"}, CidrSet({"127.0.0.0/8", "::1/128"})));
    mw.push_back(makeProblemMiddleware());
    mw.push_back(makeSecurityHeadersMiddleware(false));
    mw.push_back(makeRequestIdMiddleware());
    pipeline = std::make_unique<Pipeline>(std::move(router), std::move(mw));
    metrics = std::make_unique<HttpMetrics>(pipeline->router());
    // Access log is added last but runs second.
  }

  Exchange call(Method m, std::string path, std::vector<std::pair<std::string, std::string>> headers = {},
                std::string body = {}) {
    Exchange ex;
    ex.request.method = m;
    ex.request.path = std::move(path);
    ex.request.body = std::move(body);
    ex.request.clientIp = clientIp;
    ex.forwardedUnverified = forwardedUnverified;
    for (auto& [k, v] : headers) ex.request.headers.add(k, v);
    pipeline->resolve(ex);
    pipeline->run(ex);
    return ex;
  }
};

json body(const Exchange& ex) { return json::parse(ex.response.body); }

// An exchange with its route resolved, not yet run.
Exchange resolved(const Pipeline& pipeline, std::string path,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  Exchange ex;
  ex.request.method = Method::Get;
  ex.request.path = std::move(path);
  ex.request.clientIp = "10.1.1.1";
  for (auto& [k, v] : headers) ex.request.headers.add(k, v);
  pipeline.resolve(ex);
  return ex;
}

}  // namespace

TEST(Pipeline, OrderIsByPriority) {
  Fixture f;
  std::vector<std::string> expected{
      "request-id", "security-headers", "problem",    "cors",         "client-allow", "route",
      "body-limit", "content-type",     "rate-limit", "authenticate", "authorize"};
  EXPECT_EQ(f.pipeline->order(), expected);
}

TEST(Pipeline, RoutesAndPassesParams) {
  Fixture f;
  auto ex = f.call(Method::Get, "/v1/things/42");
  EXPECT_EQ(ex.response.status, 200);
  EXPECT_EQ(body(ex)["params"]["id"], "42");
  EXPECT_EQ(ex.request.routeTemplate, "/v1/things/:id");
  EXPECT_EQ(ex.response.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(ex.response.headers.get("Cache-Control"), "no-store");
}

TEST(Pipeline, NotFoundIsProblemJson) {
  Fixture f;
  auto ex = f.call(Method::Get, "/v1/nope");
  EXPECT_EQ(ex.response.status, 404);
  EXPECT_EQ(ex.response.contentType, "application/problem+json");
  auto b = body(ex);
  EXPECT_EQ(b["code"], "not_found");
  EXPECT_EQ(b["type"], "https://agape.dev/problems/not-found");
  EXPECT_EQ(b["title"], "Not Found");
  EXPECT_EQ(b["status"], 404);
}

TEST(Pipeline, MethodNotAllowedCarriesAllow) {
  Fixture f;
  auto ex = f.call(Method::Put, "/v1/things/1");
  EXPECT_EQ(ex.response.status, 405);
  EXPECT_EQ(ex.response.headers.get("Allow"), "GET, HEAD");
  EXPECT_EQ(body(ex)["code"], "method_not_allowed");
}

TEST(Pipeline, BodyLimitIs413) {
  Fixture f;
  auto ex = f.call(Method::Post, "/v1/things", {{"Content-Type", "application/json"}}, std::string(17, 'x'));
  EXPECT_EQ(ex.response.status, 413);
  EXPECT_EQ(body(ex)["code"], "payload_too_large");
  auto ok = f.call(Method::Post, "/v1/things", {{"Content-Type", "application/json"}}, "{\"a\":1}");
  EXPECT_EQ(ok.response.status, 200);
}

TEST(Pipeline, WrongContentTypeIs415) {
  Fixture f;
  auto ex = f.call(Method::Post, "/v1/things", {{"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(ex.response.status, 415);
  EXPECT_EQ(body(ex)["code"], "unsupported_media_type");
  auto ok = f.call(Method::Post, "/v1/things", {{"Content-Type", "application/JSON; charset=utf-8"}}, "{}");
  EXPECT_EQ(ok.response.status, 200);
}

TEST(Pipeline, RateLimitHeadersAnd429WithRetryAfter) {
  Fixture f;
  auto a = f.call(Method::Get, "/v1/limited");
  EXPECT_EQ(a.response.status, 200);
  EXPECT_EQ(a.response.headers.get("RateLimit-Limit"), "2");
  EXPECT_EQ(a.response.headers.get("RateLimit-Remaining"), "1");
  f.call(Method::Get, "/v1/limited");
  auto c = f.call(Method::Get, "/v1/limited");
  EXPECT_EQ(c.response.status, 429);
  EXPECT_EQ(body(c)["code"], "rate_limited");
  EXPECT_EQ(c.response.headers.get("Retry-After"), "1");
  EXPECT_EQ(c.response.headers.get("RateLimit-Remaining"), "0");
  f.now += std::chrono::milliseconds(500);  // 2 per second: one token back
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 200);
}

TEST(Pipeline, IPv6ClientsAreCountedPerSlash64) {
  Fixture f;
  f.clientIp = "2001:db8:1:2::1";
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 200);
  f.clientIp = "2001:db8:1:2:a:b:c:d";  // another address of the same /64
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 200);
  f.clientIp = "2001:db8:1:2:ffff::9";
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 429);
  f.clientIp = "2001:db8:1:3::1";  // the next /64
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 200);
  f.clientIp = "10.1.1.2";  // IPv4: per address
  EXPECT_EQ(f.call(Method::Get, "/v1/limited").response.status, 200);
}

TEST(Pipeline, ARestrictedPathDoesNotExistForOtherClients) {
  Fixture f;
  for (Method m : {Method::Get, Method::Post, Method::Options, Method::Delete}) {
    auto ex = f.call(m, "/metrics");
    EXPECT_EQ(ex.response.status, 404) << methodName(m);
    EXPECT_EQ(body(ex)["code"], "not_found");
    EXPECT_FALSE(ex.response.headers.has("Allow"));
  }
  for (const char* allowed : {"127.0.0.1", "127.8.9.10", "::1"}) {
    f.clientIp = allowed;
    EXPECT_EQ(f.call(Method::Get, "/metrics").response.status, 200) << allowed;
    EXPECT_EQ(f.call(Method::Post, "/metrics").response.status, 405) << allowed;
  }
  // Through a proxy the server does not trust: the address is the proxy's,
  // the client's own is unknown.
  f.clientIp = "127.0.0.1";
  f.forwardedUnverified = true;
  EXPECT_EQ(f.call(Method::Get, "/metrics").response.status, 404);
  f.forwardedUnverified = false;
  f.clientIp = "10.1.1.1";
  EXPECT_EQ(f.call(Method::Get, "/v1/things/1").response.status, 200) << "other paths are anyone's";
}

TEST(Pipeline, AuthenticationAndRoles) {
  Fixture f;
  EXPECT_EQ(f.call(Method::Get, "/v1/me").response.status, 401);
  auto bad = f.call(Method::Get, "/v1/me", {{"Authorization", "Bearer garbage"}});
  EXPECT_EQ(bad.response.status, 401);
  EXPECT_EQ(bad.response.headers.get("WWW-Authenticate"), "Bearer");
  auto me = f.call(Method::Get, "/v1/me", {{"Authorization", "Bearer u1:customer"}});
  EXPECT_EQ(me.response.status, 200);
  EXPECT_EQ(body(me)["principal"], "u1");
  EXPECT_EQ(f.call(Method::Delete, "/v1/admin/things/1", {{"Authorization", "Bearer u1:customer"}}).response.status, 403);
  EXPECT_EQ(f.call(Method::Delete, "/v1/admin/things/1").response.status, 401);
  EXPECT_EQ(f.call(Method::Delete, "/v1/admin/things/1", {{"Authorization", "Bearer u2:merchant"}}).response.status, 200);
  // A public route still sees the principal when a valid token is sent.
  EXPECT_EQ(body(f.call(Method::Get, "/v1/things/1", {{"Authorization", "Bearer u3:admin"}}))["principal"], "u3");
}

TEST(Pipeline, ExceptionsBecomeProblemsWithoutInternals) {
  Fixture f;
  auto boom = f.call(Method::Get, "/v1/boom");
  EXPECT_EQ(boom.response.status, 500);
  EXPECT_EQ(boom.response.body.find("SELECT"), std::string::npos);
  EXPECT_EQ(body(boom)["code"], "internal");
  auto db = f.call(Method::Get, "/v1/db");
  EXPECT_EQ(db.response.status, 503);
  EXPECT_EQ(db.response.body.find("10.0.0.3"), std::string::npos);
  auto c = f.call(Method::Get, "/v1/conflict");
  EXPECT_EQ(c.response.status, 409);
  EXPECT_EQ(body(c)["code"], "version_conflict");
  EXPECT_EQ(body(c)["detail"], "stale");
}

TEST(Pipeline, CorsPreflightAndSimpleRequests) {
  Fixture f;
  auto pre = f.call(Method::Options, "/v1/things/1",
                    {{"Origin", "https://shop.example.ng"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(pre.response.status, 204);
  EXPECT_EQ(pre.response.headers.get("Access-Control-Allow-Origin"), "https://shop.example.ng");
  EXPECT_EQ(pre.response.headers.get("Access-Control-Allow-Methods"), "GET, HEAD");
  EXPECT_TRUE(pre.response.headers.has("Access-Control-Allow-Headers"));
  EXPECT_EQ(pre.response.headers.get("Access-Control-Max-Age"), "600");

  auto evil = f.call(Method::Options, "/v1/things/1",
                     {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(evil.response.status, 403);
  EXPECT_FALSE(evil.response.headers.has("Access-Control-Allow-Origin"));

  auto simple = f.call(Method::Get, "/v1/things/1", {{"Origin", "https://shop.example.ng"}});
  EXPECT_EQ(simple.response.status, 200);
  EXPECT_EQ(simple.response.headers.get("Access-Control-Allow-Origin"), "https://shop.example.ng");
  EXPECT_EQ(simple.response.headers.get("Vary"), "Origin");
  // CORS headers survive an error response too.
  auto err = f.call(Method::Get, "/v1/me", {{"Origin", "https://shop.example.ng"}});
  EXPECT_EQ(err.response.status, 401);
  EXPECT_EQ(err.response.headers.get("Access-Control-Allow-Origin"), "https://shop.example.ng");
}

TEST(Pipeline, PlainOptionsAnswersAllow) {
  Fixture f;
  auto ex = f.call(Method::Options, "/v1/things/1");
  EXPECT_EQ(ex.response.status, 204);
  EXPECT_EQ(ex.response.headers.get("Allow"), "GET, HEAD, OPTIONS");
}

TEST(Pipeline, RequestIdEchoedOrGenerated) {
  Fixture f;
  std::vector<std::unique_ptr<Middleware>> mw;
  mw.push_back(makeRequestIdMiddleware());
  mw.push_back(makeProblemMiddleware());
  mw.push_back(makeRouteMiddleware());
  RouteTable t;
  Pipeline p(std::move(t).freeze(), std::move(mw));
  Exchange a;
  a.request.path = "/x";
  a.request.headers.add("X-Request-Id", "abc-123");
  p.resolve(a);
  p.run(a);
  EXPECT_EQ(a.response.headers.get("X-Request-Id"), "abc-123");
  EXPECT_EQ(json::parse(a.response.body)["requestId"], "abc-123");
  Exchange b;
  b.request.path = "/x";
  b.request.headers.add("X-Request-Id", "bad id with spaces");
  p.resolve(b);
  p.run(b);
  std::string id(b.response.headers.get("X-Request-Id").value());
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '7');  // UUIDv7
  EXPECT_NE(id, newRequestId());
}

TEST(Pipeline, MetricsCountByRouteTemplateAndStatus) {
  Fixture f;
  std::vector<std::unique_ptr<Middleware>> mw;
  RouteTable t;
  Route r;
  r.method = Method::Get;
  r.pathTemplate = "/v1/x/:id";
  r.pluginId = "test";
  r.handler = [](Request&) { return Response::noContent(); };
  t.add(r);
  auto router = std::move(t).freeze();
  HttpMetrics metrics(router);
  metrics.record(&router.routes()[0], 204, std::chrono::milliseconds(3));
  metrics.record(&router.routes()[0], 204, std::chrono::milliseconds(3));
  metrics.record(nullptr, 404, std::chrono::microseconds(50));
  std::string out;
  metrics.render(out);
  EXPECT_NE(out.find("agape_http_requests_total{method=\"GET\",route=\"/v1/x/:id\",status=\"204\"} 2"), std::string::npos) << out;
  EXPECT_NE(out.find("agape_http_requests_total{method=\"any\",route=\"unmatched\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(out.find("agape_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/x/:id\",le=\"0.005\"} 2"), std::string::npos);
  EXPECT_NE(out.find("agape_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/x/:id\",le=\"0.0025\"} 0"), std::string::npos);
}

TEST(Pipeline, FastPathAnswersAfterTheWholeChain) {
  Fixture f;
  Exchange ex = resolved(*f.pipeline, "/v1/fast/hit");
  ASSERT_TRUE(f.pipeline->tryFastPath(ex));
  EXPECT_EQ(ex.response.body, R"({"from":"memory"})");
  EXPECT_EQ(ex.response.headers.get("RateLimit-Remaining"), "1");
  EXPECT_EQ(ex.response.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(ex.response.headers.has("X-Request-Id"));
  EXPECT_EQ(f.fastCalls, 1);
}

TEST(Pipeline, DeclinedFastPathRunsTheHandlerOnceCountedOnce) {
  Fixture f;
  Exchange ex = resolved(*f.pipeline, "/v1/fast/miss");
  ASSERT_FALSE(f.pipeline->tryFastPath(ex));
  EXPECT_TRUE(ex.response.body.empty());
  const std::string firstId = ex.request.requestId;
  EXPECT_FALSE(firstId.empty());
  f.pipeline->run(ex);  // what the worker does
  EXPECT_EQ(ex.response.status, 200);
  EXPECT_EQ(body(ex)["params"]["id"], "miss") << "path parameters survive the first pass";
  EXPECT_EQ(ex.response.headers.get("X-Request-Id"), firstId) << "one request, one id";
  EXPECT_EQ(ex.response.headers.get("RateLimit-Remaining"), "1") << "one token taken, not two";
  EXPECT_EQ(ex.response.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(f.fastCalls, 1);
  // The second request of the second: the bucket (2) is now empty.
  auto next = f.call(Method::Get, "/v1/fast/other");
  EXPECT_EQ(next.response.headers.get("RateLimit-Remaining"), "0");
}

TEST(Pipeline, FastPathIsBehindRolesAndItsProblemsAreMapped) {
  Fixture f;
  auto tryFast = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
    Exchange ex = resolved(*f.pipeline, path, std::move(headers));
    EXPECT_TRUE(f.pipeline->tryFastPath(ex)) << path;
    return ex;
  };
  EXPECT_EQ(tryFast("/v1/staff/fast/hit", {}).response.status, 401);
  EXPECT_EQ(tryFast("/v1/staff/fast/hit", {{"Authorization", "Bearer u1:customer"}}).response.status, 403);
  EXPECT_EQ(f.fastCalls, 0) << "the fast path never ran for a caller the route refuses";
  EXPECT_EQ(tryFast("/v1/staff/fast/hit", {{"Authorization", "Bearer u1:admin"}}).response.status, 200);
  auto bad = tryFast("/v1/fast/bad", {});
  EXPECT_EQ(bad.response.status, 400);
  EXPECT_EQ(body(bad)["code"], "validation_failed");
}

TEST(Pipeline, RoutesWithoutAFastPathAreNotTouched) {
  Fixture f;
  Exchange ex = resolved(*f.pipeline, "/v1/things/7");
  EXPECT_FALSE(f.pipeline->tryFastPath(ex));
  EXPECT_TRUE(ex.request.requestId.empty()) << "nothing ran";
}

TEST(Pipeline, AStreamedResponseIsCountedAndLoggedWhenItsStreamEnds) {
  RouteTable t;
  Route r;
  r.method = Method::Get;
  r.pathTemplate = "/v1/export";
  r.pluginId = "test";
  r.handler = [](Request&) {
    return Response::stream("text/csv", [](BodyWriter& out) { out.write("a,b\n"); });
  };
  t.add(r);
  Router router = std::move(t).freeze();
  HttpMetrics metrics(router);
  std::vector<std::unique_ptr<Middleware>> mw;
  mw.push_back(makeRequestIdMiddleware());
  mw.push_back(makeAccessLogMiddleware(metrics, false));
  mw.push_back(makeSecurityHeadersMiddleware(false));
  mw.push_back(makeProblemMiddleware());
  mw.push_back(makeRouteMiddleware());
  Pipeline pipeline(std::move(router), std::move(mw));
  Exchange ex = resolved(pipeline, "/v1/export");
  pipeline.run(ex);
  ASSERT_TRUE(ex.response.producer);
  EXPECT_EQ(ex.response.contentType, "text/csv");
  EXPECT_EQ(ex.response.headers.get("X-Content-Type-Options"), "nosniff") << "headers apply as usual";
  EXPECT_TRUE(ex.response.headers.has("X-Request-Id"));
  std::string out;
  metrics.render(out);
  EXPECT_EQ(out.find("route=\"/v1/export\",status=\"200\""), std::string::npos)
      << "not counted before the end";
  EXPECT_NE(out.find("agape_http_requests_in_flight 1"), std::string::npos) << out;

  ex.streamed = {.bytes = 4, .complete = true};  // what the server does once the last chunk is out
  ex.streamEnded();
  out.clear();
  metrics.render(out);
  EXPECT_NE(out.find("agape_http_requests_total{method=\"GET\",route=\"/v1/export\",status=\"200\"} 1"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("agape_http_requests_in_flight 0"), std::string::npos);
  EXPECT_NE(out.find("agape_http_streamed_responses_total{outcome=\"complete\"} 1"), std::string::npos);
  EXPECT_NE(out.find("agape_http_streamed_bytes_total 4"), std::string::npos);
  EXPECT_TRUE(ex.atStreamEnd.empty()) << "run once";
}

TEST(Pipeline, AProblemReplacesAStreamWithAWholeBody) {
  Exchange ex;
  ex.response = Response::stream("text/csv", [](BodyWriter&) {});
  try {
    throw DbError(DbError::Kind::Unavailable, "connection refused");
  } catch (const std::exception&) {
    applyCurrentException(ex);
  }
  EXPECT_FALSE(ex.response.producer);
  EXPECT_EQ(ex.response.status, 503);
  EXPECT_EQ(ex.response.contentType, "application/problem+json");
  EXPECT_EQ(ex.response.headers.get("Retry-After"), "1");
}
