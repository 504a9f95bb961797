#pragma once
// The routes one test context collected, answered in process by the
// kernel's own route table, router and middleware (the server's chain less
// what needs a socket or a crowd: CORS, the metrics allow-list, the rate
// limit and the access log).

#include <memory>
#include <mutex>
#include <string>

#include "agape/http.h"
#include "agape/services.h"
#include "agape/testing/test_request.h"
#include "app/route_collector.h"
#include "http/pipeline.h"
#include "http/router.h"

namespace agape::testing {

class RouteRunner {
 public:
  RouteRunner(std::string pluginId, bool production);

  Routes& routes() { return collector_; }
  // Provision is over: adding a route throws from now on.
  void close() { collector_.close(); }
  // Closes the routes first. `services` is where the Authenticator is
  // looked for, once, at the first request (as the server does after
  // provision): a caller given with TestRequest::as() needs none.
  TestResponse send(Request request, const Services& services);

 private:
  const kernel::Pipeline& pipeline(const Services& services);

  bool production_;
  kernel::RouteTable table_;
  kernel::RouteCollector collector_;
  std::once_flag built_;
  std::unique_ptr<kernel::Pipeline> pipeline_;
};

}  // namespace agape::testing
