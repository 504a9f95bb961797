#pragma once
#include <chrono>

#include "agape/http.h"
#include "http/router.h"

namespace agape::kernel {

// One request on its way through the middleware chain.
struct Exchange {
  Request request;
  Response response;
  Router::Match match;  // resolved before the chain runs
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  const Route* route() const { return match.route; }
};

}  // namespace agape::kernel
