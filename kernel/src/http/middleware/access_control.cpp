#include <cmath>

#include <algorithm>

#include "http/client_address.h"
#include "http/middleware/middlewares.h"
#include "http/rate_limiter.h"

namespace agape::kernel {
namespace {

std::string seconds(double s) { return std::to_string(static_cast<long long>(std::ceil(s))); }

class RateLimitMiddleware final : public Middleware {
 public:
  explicit RateLimitMiddleware(RateLimiter& limiter) : limiter_(limiter) {}
  int priority() const override { return 70; }
  std::string_view name() const override { return "rate-limit"; }
  void handle(Exchange& ex, const Next& next) override {
    const std::string& cls = ex.route()->options.rateLimitClass;
    if (cls == "none") return next();
    Headers& h = ex.response.headers;
    if (ex.admitted) {  // second pass after a declined fast path: already counted
      h.set("RateLimit-Limit", ex.admitted->limit);
      h.set("RateLimit-Remaining", ex.admitted->remaining);
      h.set("RateLimit-Reset", ex.admitted->reset);
      return next();
    }
    std::string buffer;  // an IPv6 client is counted per /64
    auto d = limiter_.take(cls, rateLimitKey(ex.request.clientIp, buffer));
    h.set("RateLimit-Limit", seconds(d.limit));
    h.set("RateLimit-Remaining", seconds(d.remaining));
    h.set("RateLimit-Reset", seconds(d.resetSeconds));
    if (d.allowed) ex.admitted = Exchange::Admission{seconds(d.limit), seconds(d.remaining), seconds(d.resetSeconds)};
    if (!d.allowed) {
      std::string retry = std::to_string(std::max<long long>(1, static_cast<long long>(std::ceil(d.retryAfterSeconds))));
      throw Problem(429, "rate_limited", "Too many requests; retry in " + retry + " s.").withHeader("Retry-After", retry);
    }
    next();
  }

 private:
  RateLimiter& limiter_;
};

// Paths only some clients may reach: to anyone else they do not exist, and
// the route middleware answers 404 whatever the method. A client must be in
// `allow`, and must not have come through proxies the server does not trust
// (X-Forwarded-For entries left unverified): a proxy in front of the server
// that is missing from server.trustedProxies would otherwise make every
// client look like the proxy's own address.
class ClientAllowMiddleware final : public Middleware {
 public:
  ClientAllowMiddleware(std::vector<std::string> paths, CidrSet allow)
      : paths_(std::move(paths)), allow_(std::move(allow)) {}
  int priority() const override { return 42; }
  std::string_view name() const override { return "client-allow"; }
  void handle(Exchange& ex, const Next& next) override {
    if (std::find(paths_.begin(), paths_.end(), ex.request.path) != paths_.end() && !allowed(ex))
      ex.match = Router::Match{};
    next();
  }

 private:
  bool allowed(const Exchange& ex) const {
    if (ex.forwardedUnverified) return false;
    auto client = IpAddress::parse(ex.request.clientIp);
    return client && allow_.contains(*client);
  }

  std::vector<std::string> paths_;
  CidrSet allow_;
};

class AuthenticateMiddleware final : public Middleware {
 public:
  explicit AuthenticateMiddleware(std::shared_ptr<const Authenticator> a) : authenticator_(std::move(a)) {}
  int priority() const override { return 80; }
  std::string_view name() const override { return "authenticate"; }
  void handle(Exchange& ex, const Next& next) override {
    if (authenticator_) {
      ex.request.principal = authenticator_->authenticate(ex.request);
    } else if (ex.request.headers.has("Authorization") && ex.route()->options.access != Access::Public) {
      throw Problem::unauthorized("No authentication provider is enabled on this server.");
    }
    next();
  }

 private:
  std::shared_ptr<const Authenticator> authenticator_;
};

class AuthorizeMiddleware final : public Middleware {
 public:
  int priority() const override { return 90; }
  std::string_view name() const override { return "authorize"; }
  void handle(Exchange& ex, const Next& next) override {
    const RouteOptions& o = ex.route()->options;
    if (o.access != Access::Public) {
      if (!ex.request.principal) throw Problem::unauthorized();
      if (o.access == Access::Roles) {
        bool ok = false;
        for (const auto& r : o.roles) ok = ok || ex.request.principal->hasRole(r);
        if (!ok) throw Problem::forbidden();
      }
    }
    next();
  }
};

}  // namespace

std::unique_ptr<Middleware> makeRateLimitMiddleware(RateLimiter& l) { return std::make_unique<RateLimitMiddleware>(l); }
std::unique_ptr<Middleware> makeClientAllowMiddleware(std::vector<std::string> paths, CidrSet allow) {
  return std::make_unique<ClientAllowMiddleware>(std::move(paths), std::move(allow));
}
std::unique_ptr<Middleware> makeAuthenticateMiddleware(std::shared_ptr<const Authenticator> a) {
  return std::make_unique<AuthenticateMiddleware>(std::move(a));
}
std::unique_ptr<Middleware> makeAuthorizeMiddleware() { return std::make_unique<AuthorizeMiddleware>(); }

}  // namespace agape::kernel
