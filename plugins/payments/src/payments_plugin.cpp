// The payments plugin: paying a pending order through Paystack (or the
// built-in sandbox), the signed webhook applied once, verification, and the
// payment and its order marked paid in one transaction.
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "payment_book.h"
#include "payments_api.h"
#include "payments_config.h"
#include "paystack_client.h"
#include "sandbox_provider.h"

namespace agape::payments {
namespace {

class PaymentsPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodePaymentsConfig(section); }

  void provision(Context& ctx) override {
    if (config_.provider == "paystack") {
      provider_ = std::make_unique<PaystackClient>(config_.baseUrl, config_.secretKey, config_.timeout);
    } else {
      auto sandbox = std::make_unique<SandboxProvider>(ctx.db(), config_.publicBaseUrl);
      sandbox_ = sandbox.get();
      provider_ = std::move(sandbox);
    }
    book_ = std::make_unique<PaymentBook>(ctx.clock(), ctx.events(), ctx.audit());
    api_ = std::make_unique<PaymentsApi>(ctx, config_, *book_, *provider_, sandbox_);
    api_->registerRoutes(ctx.routes());
  }

  void validate(Context& ctx) override {
    auto& orders = ctx.services().get<orders::OrderService>();
    book_->use(orders);
    api_->use(orders, ctx.services().find<auth::UserDirectory>().get());
  }

  void start(Context& ctx) override {
    // Never the key itself: which provider, and where.
    ctx.logger().info("payments provider", {{"provider", provider_->name()},
                                            {"baseUrl", config_.provider == "paystack" ? config_.baseUrl : "built in"}});
    if (sandbox_)
      ctx.logger().warn("payments: the sandbox provider is on; anyone who knows a payment reference can mark it paid. "
                        "Use provider: paystack outside development.");
  }

 private:
  PaymentsConfig config_;
  std::unique_ptr<PaymentProvider> provider_;
  SandboxProvider* sandbox_ = nullptr;
  std::unique_ptr<PaymentBook> book_;
  std::unique_ptr<PaymentsApi> api_;
};

}  // namespace
}  // namespace agape::payments

AGAPE_PLUGIN(agape::payments::PaymentsPlugin, "payments", "1.0.0", "orders", "?auth")
