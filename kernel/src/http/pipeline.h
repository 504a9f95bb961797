#pragma once
// Router + ordered middleware chain + the route's handler: everything between
// the bytes Pistache parsed and the response it writes, free of Pistache so
// it is unit-testable and benchmarkable on its own.

#include <memory>
#include <string>
#include <vector>

#include "http/exchange.h"
#include "http/middleware.h"
#include "http/router.h"

namespace agape::kernel {

class Pipeline {
 public:
  Pipeline(Router router, std::vector<std::unique_ptr<Middleware>> middleware);

  // Resolves the route (cheap; done on the network thread to decide where the
  // rest runs).
  void resolve(Exchange& ex) const { ex.match = router_.match(ex.request.method, ex.request.path); }
  // Runs the chain and the handler; never throws (the problem middleware
  // maps every exception).
  void run(Exchange& ex) const;
  // For a route with a fast path: runs the chain with the fast path in place
  // of the handler. True when that answered (ex.response is final); false
  // when there is no fast path or it declined, and then the exchange is
  // ready for run().
  bool tryFastPath(Exchange& ex) const;

  const Router& router() const { return router_; }
  std::vector<std::string> order() const;  // middleware names in run order

 private:
  Router router_;
  std::vector<std::unique_ptr<Middleware>> chain_;
};

}  // namespace agape::kernel
