#pragma once
// The kernel's middleware, in run order (priority):
//   10 request-id        X-Request-Id echoed or generated
//   20 access-log        JSON access log line + per-route metrics
//   30 security-headers  nosniff, frame-ancestors, referrer policy, HSTS in production
//   35 problem           every exception → one application/problem+json response
//   40 cors              allow-listed origins, preflight
//   42 client-allow      paths (/metrics) only some client addresses reach; 404 for others
//   45 route             404, 405 with Allow, OPTIONS
//   50 body-limit        413
//   60 content-type      415
//   70 rate-limit        token buckets, RateLimit-* headers, 429 + Retry-After
//   80 authenticate      the Authenticator service (auth plugin) → principal
//   90 authorize         route access: 401 / 403
//   95 contract-check    (server.checkResponses) a typed route's response against its schema

#include <memory>

#include "agape/auth.h"
#include "agape/problem.h"
#include "config/kernel_config.h"
#include "http/client_address.h"
#include "http/middleware.h"

namespace agape::kernel {

class HttpMetrics;
class RateLimiter;

std::unique_ptr<Middleware> makeRequestIdMiddleware();
std::unique_ptr<Middleware> makeAccessLogMiddleware(HttpMetrics& metrics, bool logLines);
std::unique_ptr<Middleware> makeSecurityHeadersMiddleware(bool strictTransportSecurity);
std::unique_ptr<Middleware> makeProblemMiddleware();
std::unique_ptr<Middleware> makeCorsMiddleware(CorsConfig config);
std::unique_ptr<Middleware> makeRouteMiddleware();
std::unique_ptr<Middleware> makeBodyLimitMiddleware(std::size_t defaultLimit);
std::unique_ptr<Middleware> makeContentTypeMiddleware();
std::unique_ptr<Middleware> makeRateLimitMiddleware(RateLimiter& limiter);
// `paths` answer 404 (any method) to a client not in `allow`, or one that
// came through proxies not in server.trustedProxies.
std::unique_ptr<Middleware> makeClientAllowMiddleware(std::vector<std::string> paths, CidrSet allow);
// `authenticator` may be null (no auth plugin enabled): credentials are then
// never accepted.
std::unique_ptr<Middleware> makeAuthenticateMiddleware(std::shared_ptr<const Authenticator> authenticator);
std::unique_ptr<Middleware> makeAuthorizeMiddleware();
std::unique_ptr<Middleware> makeContractCheckMiddleware();

// Writes `problem` into the exchange's response, keeping headers already set
// (CORS, rate limit, request id).
void applyProblem(Exchange& ex, const Problem& problem);
// Inside a catch block: answers the exception being handled as the problem
// middleware does (Problem as is, database errors 503 or 500, anything else
// 500, logged). Also used for a streamed body that fails before it is sent.
void applyCurrentException(Exchange& ex);

// While alive, log lines and audit records on this thread carry the
// request's id and client address; cleared after, even when unwinding, as
// the thread serves other requests (and runs jobs) next.
class RequestScope {
 public:
  explicit RequestScope(const Request& request);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;
};

// A fresh time-ordered UUIDv7 string.
std::string newRequestId();

}  // namespace agape::kernel
