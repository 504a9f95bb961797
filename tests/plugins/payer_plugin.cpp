// Confirms payments the way the payments plugin will, through the orders'
// OrderService, for the end-to-end tests (many concurrent confirmations of
// one order):
//   POST /v1/test/pay {orderId, reference} → 200 {result: paid|already_paid|not_payable}
//   POST /v1/test/refund {orderId, status, refunded} → 204: refund progress as payments reports it
#include <agape/context.h>
#include <agape/contract.h>
#include <agape/db.h>
#include <agape/orders/order_service.h>
#include <agape/plugin.h>
#include <agape/services.h>

namespace {

using agape::orders::OrderService;
using agape::orders::PaidResult;

struct Pay {
  std::string orderId, reference;
};
struct Paid {
  PaidResult result = PaidResult::Paid;
};
struct Refund {
  std::string orderId;
  agape::orders::RefundState status = agape::orders::RefundState::Pending;
  std::int64_t refunded = 0;
};

const agape::Names<PaidResult> kResults{
    {PaidResult::Paid, "paid"}, {PaidResult::AlreadyPaid, "already_paid"}, {PaidResult::NotPayable, "not_payable"}};
using agape::orders::RefundState;
const agape::Names<RefundState> kRefundStates{{RefundState::Pending, "pending"},
                                              {RefundState::Partial, "partial"},
                                              {RefundState::Refunded, "refunded"},
                                              {RefundState::Failed, "failed"}};
const auto kPay = agape::Schema<Pay>().field("orderId", &Pay::orderId).field("reference", &Pay::reference);
const auto kPaid = agape::Schema<Paid>().field("result", &Paid::result, kResults);
const auto kRefund = agape::Schema<Refund>()
                         .field("orderId", &Refund::orderId)
                         .field("status", &Refund::status, kRefundStates)
                         .field("refunded", &Refund::refunded);

class PayerPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().post("/v1/test/pay", agape::Contract().body(kPay).returns(kPaid), {},
                      [this, &ctx](agape::Call<Pay>& call) {
                        return Paid{ctx.db().run([&](agape::Tx& tx) {
                          return orders_->markPaid(tx, call.body.orderId, call.body.reference, "test.payer");
                        })};
                      });
    ctx.routes().post("/v1/test/refund", agape::Contract().body(kRefund), {}, [this, &ctx](agape::Call<Refund>& call) {
      const agape::orders::RefundProgress progress{call.body.status, call.body.refunded, "test-refund"};
      ctx.db().run([&](agape::Tx& tx) { orders_->refundChanged(tx, call.body.orderId, progress, "test.payer"); });
    });
  }
  void validate(agape::Context& ctx) override { orders_ = &ctx.services().get<OrderService>(); }

 private:
  OrderService* orders_ = nullptr;
};

}  // namespace

AGAPE_PLUGIN(PayerPlugin, "test.payer", "1.0.0", "orders")
