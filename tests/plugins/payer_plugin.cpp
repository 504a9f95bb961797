// Confirms payments the way the payments plugin will, through the orders'
// OrderService, for the end-to-end tests (many concurrent confirmations of
// one order):
//   POST /v1/test/pay {orderId, reference} → 200 {result: paid|already_paid|not_payable}
//   POST /v1/test/refund {orderId, status, refunded} → 204: refund progress as payments reports it
#include <agape/context.h>
#include <agape/db.h>
#include <agape/http.h>
#include <agape/json.h>
#include <agape/orders/order_service.h>
#include <agape/plugin.h>
#include <agape/services.h>

namespace {

using agape::orders::OrderService;
using agape::orders::PaidResult;

class PayerPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/pay", [this, &ctx](agape::Request& req) {
      const agape::Json body = agape::parseJsonObject(req, {"orderId", "reference"});
      const std::string id = body.at("orderId").get<std::string>();
      const std::string reference = body.at("reference").get<std::string>();
      const PaidResult r = ctx.db().run([&](agape::Tx& tx) { return orders_->markPaid(tx, id, reference, "test.payer"); });
      return agape::jsonResponse({{"result", r == PaidResult::Paid          ? "paid"
                                             : r == PaidResult::AlreadyPaid ? "already_paid"
                                                                            : "not_payable"}});
    });
    ctx.routes().post("/v1/test/refund", [this, &ctx](agape::Request& req) {
      const agape::Json body = agape::parseJsonObject(req, {"orderId", "status", "refunded"});
      const agape::orders::RefundProgress progress{body.at("status").get<std::string>(),
                                                   body.at("refunded").get<std::int64_t>(), "test-refund"};
      ctx.db().run([&](agape::Tx& tx) {
        orders_->refundChanged(tx, body.at("orderId").get<std::string>(), progress, "test.payer");
      });
      return agape::Response::noContent();
    });
  }
  void validate(agape::Context& ctx) override { orders_ = &ctx.services().get<OrderService>(); }

 private:
  OrderService* orders_ = nullptr;
};

}  // namespace

AGAPE_PLUGIN(PayerPlugin, "test.payer", "1.0.0", "orders")
