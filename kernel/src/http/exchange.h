#pragma once
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agape/http.h"
#include "http/router.h"

namespace agape::kernel {

// One request on its way through the middleware chain.
struct Exchange {
  Request request;
  Response response;
  Router::Match match;  // resolved before the chain runs
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint64_t dbRoundTrips = 0;  // made while the chain ran (the access log's)

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

  // X-Forwarded-For named addresses beyond request.clientIp that no trusted
  // proxy vouched for (see resolveClient).
  bool forwardedUnverified = false;

  bool http10 = false;  // an HTTP/1.0 request: a streamed body is delimited by the close
  // A streamed response (Response::producer) is still being sent when the
  // chain returns, so what records its end (the access log line, metrics)
  // waits here; the server runs it once the stream is over, however it ended.
  std::vector<std::function<void(const Exchange&)>> atStreamEnd;
  struct Streamed {
    std::size_t bytes = 0;  // body bytes handed to the connection
    bool complete = false;  // the whole body was sent
  } streamed;
  void streamEnded() {
    for (auto& f : atStreamEnd) f(*this);
    atStreamEnd.clear();
  }

  const Route* route() const { return match.route; }
};

}  // namespace agape::kernel
