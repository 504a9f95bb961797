#include <stdexcept>

#include "agape/contract.h"
#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

// The test oracle of typed routes: what a handler answered with success
// must be what its contract promises, field by field.
class ContractCheckMiddleware final : public Middleware {
 public:
  int priority() const override { return 95; }
  std::string_view name() const override { return "contract-check"; }
  void handle(Exchange& ex, const Next& next) override {
    next();
    const auto& contract = ex.route()->options.contract;
    const Response& r = ex.response;
    if (!contract || !contract->response || r.producer || r.status < 200 || r.status >= 300 || r.body.empty() ||
        r.contentType.rfind("application/json", 0) != 0)
      return;
    const auto errors = schema::check(*contract->response, r.body);
    if (errors.empty()) return;
    std::string list;
    for (const auto& e : errors) list += (list.empty() ? "" : "; ") + e.field + " " + e.message;
    JsonLogger("http").error("response breaks its route's contract",
                             {{"route", ex.route()->pathTemplate}, {"errors", list}});
    throw std::logic_error("the response of " + ex.route()->pathTemplate + " breaks its contract: " + list);
  }
};

}  // namespace

std::unique_ptr<Middleware> makeContractCheckMiddleware() { return std::make_unique<ContractCheckMiddleware>(); }

}  // namespace agape::kernel
