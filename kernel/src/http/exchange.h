#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "agape/http.h"
#include "http/router.h"

namespace agape::kernel {

// One request on its way through the middleware chain.
struct Exchange {
  Request request;
  Response response;
  Router::Match match;  // resolved before the chain runs
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // The route's fast path is being tried on the network thread (fastPass);
  // it declined (deferred), so the chain runs again on a worker. What the
  // first pass decided once for the request is kept for the second: the rate
  // limiter's admission (a request takes one token, not two).
  bool fastPass = false;
  bool deferred = false;
  struct Admission {
    std::string limit, remaining, reset;
  };
  std::optional<Admission> admitted;

  const Route* route() const { return match.route; }
};

}  // namespace agape::kernel
