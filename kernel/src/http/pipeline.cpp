#include "http/pipeline.h"

#include <algorithm>

#include "log/log.h"

namespace agape::kernel {

void Next::operator()() const {
  if (index_ < chain_.size()) {
    chain_[index_]->handle(ex_, Next(chain_, index_ + 1, ex_));
    return;
  }
  // End of the chain: the route's own handler.
  if (!ex_.match.route) return;
  Response produced;
  if (ex_.fastPass) {
    auto fast = ex_.match.route->options.fastPath(ex_.request);
    if (!fast) {
      ex_.deferred = true;  // the middleware unwinds without recording a response
      return;
    }
    produced = std::move(*fast);
  } else {
    produced = ex_.match.route->handler(ex_.request);
  }
  // Headers that middleware set before the handler ran (CORS, rate limit)
  // survive unless the handler set the same header itself.
  for (const auto& [k, v] : ex_.response.headers.all())
    if (!produced.headers.has(k)) produced.headers.add(k, v);
  ex_.response = std::move(produced);
}

Pipeline::Pipeline(Router router, std::vector<std::unique_ptr<Middleware>> middleware)
    : router_(std::move(router)), chain_(std::move(middleware)) {
  std::stable_sort(chain_.begin(), chain_.end(), [](const auto& a, const auto& b) {
    if (a->priority() != b->priority()) return a->priority() < b->priority();
    return a->name() < b->name();
  });
}

void Pipeline::run(Exchange& ex) const {
  try {
    Next(chain_, 0, ex)();
  } catch (const std::exception& e) {
    // Only reached when the problem middleware itself is absent (unit tests)
    // or failed: answer 500 rather than let the exception reach Pistache.
    JsonLogger("http").error("unhandled error outside the problem middleware", {{"error", e.what()}});
    ex.response = Response::json(R"({"type":"https://agape.dev/problems/internal","title":"Internal Server Error","status":500,"code":"internal"})", 500);
    ex.response.contentType = "application/problem+json";
  }
}

bool Pipeline::tryFastPath(Exchange& ex) const {
  if (ex.match.outcome != Router::Outcome::Found || !ex.match.route->options.fastPath) return false;
  ex.fastPass = true;
  run(ex);
  ex.fastPass = false;
  if (!ex.deferred) return true;
  ex.deferred = false;
  ex.response = Response{};
  return false;
}

std::vector<std::string> Pipeline::order() const {
  std::vector<std::string> names;
  for (const auto& m : chain_) names.emplace_back(m->name());
  return names;
}

}  // namespace agape::kernel
