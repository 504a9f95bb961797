#include "route_runner.h"

#include <vector>

#include "agape/auth.h"
#include "http/middleware/middlewares.h"

namespace agape::testing {
namespace {

// The kernel's authentication step, except that a caller the test named
// (TestRequest::as) is taken as it is.
class TestAuthenticate final : public kernel::Middleware {
 public:
  explicit TestAuthenticate(std::shared_ptr<const Authenticator> authenticator)
      : kernel_(kernel::makeAuthenticateMiddleware(std::move(authenticator))) {}
  int priority() const override { return kernel_->priority(); }
  std::string_view name() const override { return kernel_->name(); }
  void handle(kernel::Exchange& ex, const kernel::Next& next) override {
    if (ex.request.principal) return next();
    kernel_->handle(ex, next);
  }

 private:
  std::unique_ptr<kernel::Middleware> kernel_;
};

// Collects a streamed body whole: the test reads it after send().
class StringWriter final : public BodyWriter {
 public:
  explicit StringWriter(std::string& out) : out_(out) {}
  void write(std::string_view bytes) override { out_.append(bytes); }

 private:
  std::string& out_;
};

}  // namespace

RouteRunner::RouteRunner(std::string pluginId, bool production)
    : production_(production), collector_(table_, std::move(pluginId)) {}

const kernel::Pipeline& RouteRunner::pipeline(const Services& services) {
  std::call_once(built_, [&] {
    collector_.close();
    std::vector<std::unique_ptr<kernel::Middleware>> chain;
    chain.push_back(kernel::makeRequestIdMiddleware());
    chain.push_back(kernel::makeSecurityHeadersMiddleware(production_));
    chain.push_back(kernel::makeProblemMiddleware());
    chain.push_back(kernel::makeRouteMiddleware());
    chain.push_back(kernel::makeBodyLimitMiddleware(kernel::ServerConfig{}.maxBodyBytes));
    chain.push_back(kernel::makeContentTypeMiddleware());
    chain.push_back(std::make_unique<TestAuthenticate>(services.find<Authenticator>()));
    chain.push_back(kernel::makeAuthorizeMiddleware());
    pipeline_ = std::make_unique<kernel::Pipeline>(std::move(table_).freeze(), std::move(chain));
  });
  return *pipeline_;
}

TestResponse RouteRunner::send(Request request, const Services& services) {
  const kernel::Pipeline& p = pipeline(services);
  kernel::Exchange ex;
  ex.request = std::move(request);
  p.resolve(ex);
  if (!p.tryFastPath(ex)) p.run(ex);
  bool streamed = false;
  if (ex.response.producer && ex.request.method != Method::Head) {
    // The server runs the producer after the handler, on the same thread,
    // and answers a failure before anything was sent as a handler's.
    streamed = true;
    std::string body;
    StringWriter out(body);
    const kernel::RequestScope scope(ex.request);
    try {
      ex.response.producer(out);
      ex.response.body = std::move(body);
      ex.response.producer = nullptr;
    } catch (...) {
      kernel::applyCurrentException(ex);
      streamed = false;
    }
  }
  if (ex.request.method == Method::Head) {  // what GET would say, without the body
    ex.response.body.clear();
    ex.response.producer = nullptr;
  }
  TestResponse response(std::move(ex.response));
  response.streamed = streamed;
  return response;
}

}  // namespace agape::testing
