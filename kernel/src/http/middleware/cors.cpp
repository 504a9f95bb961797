#include <algorithm>
#include <cmath>
#include <strings.h>

#include "http/middleware/middlewares.h"

namespace agape::kernel {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class CorsMiddleware final : public Middleware {
 public:
  explicit CorsMiddleware(CorsConfig c)
      : config_(std::move(c)),
        anyOrigin_(std::find(config_.allowedOrigins.begin(), config_.allowedOrigins.end(), "*") !=
                   config_.allowedOrigins.end()),
        allowHeaders_(join(config_.allowedHeaders)),
        exposeHeaders_(join(config_.exposedHeaders)),
        maxAge_(std::to_string(config_.maxAge.count())) {}
  int priority() const override { return 40; }
  std::string_view name() const override { return "cors"; }

  void handle(Exchange& ex, const Next& next) override {
    auto origin = ex.request.headers.get("Origin");
    if (!origin) return next();
    Headers& out = ex.response.headers;
    out.add("Vary", "Origin");
    bool allowed = anyOrigin_ || std::find(config_.allowedOrigins.begin(), config_.allowedOrigins.end(),
                                           *origin) != config_.allowedOrigins.end();
    bool preflight = ex.request.method == Method::Options &&
                     ex.request.headers.has("Access-Control-Request-Method");
    if (!allowed) {
      if (preflight) throw Problem::forbidden("Origin " + std::string(*origin) + " is not allowed.");
      return next();  // no CORS headers: the browser refuses the response
    }
    out.set("Access-Control-Allow-Origin", anyOrigin_ && !config_.allowCredentials ? "*" : std::string(*origin));
    if (config_.allowCredentials) out.set("Access-Control-Allow-Credentials", "true");
    if (!preflight) {
      if (!exposeHeaders_.empty()) out.set("Access-Control-Expose-Headers", exposeHeaders_);
      return next();
    }
    // Preflight: answer here, from the route table, without running the route.
    std::vector<Method> methods = ex.match.outcome == Router::Outcome::Found
                                      ? std::vector<Method>{ex.match.route->method}
                                      : ex.match.allowed;
    if (methods.empty()) throw Problem::notFound("No route matches " + ex.request.path + ".");
    std::string allow;
    for (Method m : methods) allow += (allow.empty() ? "" : ", ") + std::string(methodName(m));
    ex.response.status = 204;
    out.set("Access-Control-Allow-Methods", allow);
    out.set("Access-Control-Allow-Headers", allowHeaders_);
    out.set("Access-Control-Max-Age", maxAge_);
  }

 private:
  CorsConfig config_;
  bool anyOrigin_;
  std::string allowHeaders_, exposeHeaders_, maxAge_;
};

class BodyLimitMiddleware final : public Middleware {
 public:
  explicit BodyLimitMiddleware(std::size_t defaultLimit) : defaultLimit_(defaultLimit) {}
  int priority() const override { return 50; }
  std::string_view name() const override { return "body-limit"; }
  void handle(Exchange& ex, const Next& next) override {
    std::size_t limit = ex.route()->options.bodyLimit ? ex.route()->options.bodyLimit : defaultLimit_;
    if (ex.request.body.size() > limit)
      throw Problem(413, "payload_too_large",
                    "The request body is " + std::to_string(ex.request.body.size()) +
                        " bytes; this endpoint accepts at most " + std::to_string(limit) + ".");
    next();
  }

 private:
  std::size_t defaultLimit_;
};

class ContentTypeMiddleware final : public Middleware {
 public:
  int priority() const override { return 60; }
  std::string_view name() const override { return "content-type"; }
  void handle(Exchange& ex, const Next& next) override {
    const auto& consumes = ex.route()->options.consumes;
    Method m = ex.request.method;
    bool carriesBody = !ex.request.body.empty() || m == Method::Post || m == Method::Put || m == Method::Patch;
    if (!consumes.empty() && carriesBody && !ex.request.body.empty()) {
      std::string_view type = ex.request.headers.get("Content-Type").value_or("");
      type = type.substr(0, type.find(';'));
      while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
      bool ok = std::any_of(consumes.begin(), consumes.end(), [&](const std::string& c) {
        return c.size() == type.size() && strncasecmp(c.data(), type.data(), c.size()) == 0;
      });
      if (!ok)
        throw Problem(415, "unsupported_media_type",
                      "Content-Type must be " + join(consumes) + (type.empty() ? "" : ", not " + std::string(type)) + ".");
    }
    next();
  }
};

}  // namespace

std::unique_ptr<Middleware> makeCorsMiddleware(CorsConfig c) { return std::make_unique<CorsMiddleware>(std::move(c)); }
std::unique_ptr<Middleware> makeBodyLimitMiddleware(std::size_t l) { return std::make_unique<BodyLimitMiddleware>(l); }
std::unique_ptr<Middleware> makeContentTypeMiddleware() { return std::make_unique<ContentTypeMiddleware>(); }

}  // namespace agape::kernel
