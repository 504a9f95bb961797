#include "agape/problem.h"
#include "agape/db.h"
#include "agape/text.h"
#include "db/db_errors.h"
#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {

void applyProblem(Exchange& ex, const Problem& p) {
  ex.response.status = p.status();
  ex.response.contentType = "application/problem+json";
  ex.response.body = p.toJson(ex.request.requestId);
  ex.response.producer = nullptr;  // a problem is answered whole, never streamed
  for (const auto& [k, v] : p.headers()) ex.response.headers.set(k, v);
}

namespace {

std::string routeOf(const Exchange& ex) { return ex.route() ? ex.route()->pathTemplate : ex.request.path; }

JsonLogger& problemLog() {
  static JsonLogger log("http");
  return log;
}

// Details of database failures stay in the log, never in the response. An
// outage is logged once by the pool, not once per request.
void applyDbError(Exchange& ex, const DbError& e) {
  const bool transient = e.kind() == DbError::Kind::Unavailable || e.kind() == DbError::Kind::Retryable;
  if (!dynamic_cast<const DatabaseDown*>(&e))
    problemLog().log(transient ? LogLevel::Warn : LogLevel::Error, "database error",
                     {{"error", e.what()}, {"route", routeOf(ex)}});
  applyProblem(ex, transient ? Problem::unavailable("The service is temporarily unavailable; retry shortly.")
                                   .withHeader("Retry-After", "1")
                             : Problem(500, "internal", "An unexpected error occurred."));
}

void applyUnexpected(Exchange& ex, const std::exception& e) {
  problemLog().error("unhandled exception", {{"error", e.what()}, {"route", routeOf(ex)}});
  applyProblem(ex, Problem(500, "internal", "An unexpected error occurred."));
}

// Runs `body`, answering what it throws. The kinds are caught one by one,
// never by rethrowing a std::exception: a second unwind would cost the hot
// error paths (404, 401, 429) a fifth of their time.
template <class Body>
void answerExceptions(Exchange& ex, const Body& body) {
  try {
    body();
  } catch (const Problem& p) {
    applyProblem(ex, p);
  } catch (const DbError& e) {
    applyDbError(ex, e);
  } catch (const std::exception& e) {
    applyUnexpected(ex, e);
  }
}

}  // namespace

void applyCurrentException(Exchange& ex) {
  answerExceptions(ex, [] { throw; });
}

namespace {

// Invalid UTF-8 or NUL in a path or query parameter is the client's mistake,
// answered here before any plugin binds it to SQL (PostgreSQL refuses both).
void requireCleanParameters(const Request& request) {
  std::vector<FieldError> errors;
  for (const auto& [name, value] : request.pathParams)
    if (!isCleanText(value)) errors.push_back({name, "must be valid UTF-8 without NUL characters"});
  for (const auto& [name, value] : request.queryParams)
    if (!isCleanText(name) || !isCleanText(value))
      errors.push_back({isCleanText(name) ? name : cleanText(name), "must be valid UTF-8 without NUL characters"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
}

class ProblemMiddleware final : public Middleware {
 public:
  int priority() const override { return 35; }
  std::string_view name() const override { return "problem"; }

  void handle(Exchange& ex, const Next& next) override { answerExceptions(ex, next); }
};

class RouteMiddleware final : public Middleware {
 public:
  int priority() const override { return 45; }
  std::string_view name() const override { return "route"; }

  void handle(Exchange& ex, const Next& next) override {
    switch (ex.match.outcome) {
      case Router::Outcome::Found:
        ex.request.routeTemplate = ex.match.route->pathTemplate;
        ex.request.pathParams = ex.match.params;  // copied: a second pass needs them again
        requireCleanParameters(ex.request);
        next();
        return;
      case Router::Outcome::NotFound:
        throw Problem::notFound("No route matches " + std::string(methodName(ex.request.method)) + " " +
                                ex.request.path + ".");
      case Router::Outcome::MethodNotAllowed: {
        std::string allow;
        for (Method m : ex.match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(methodName(m));
        if (ex.request.method == Method::Options) {
          ex.response.status = 204;
          ex.response.headers.set("Allow", allow + ", OPTIONS");
          return;
        }
        throw Problem(405, "method_not_allowed",
                      std::string(methodName(ex.request.method)) + " is not allowed here; use " + allow + ".")
            .withHeader("Allow", allow);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Middleware> makeProblemMiddleware() { return std::make_unique<ProblemMiddleware>(); }
std::unique_ptr<Middleware> makeRouteMiddleware() { return std::make_unique<RouteMiddleware>(); }

}  // namespace agape::kernel
