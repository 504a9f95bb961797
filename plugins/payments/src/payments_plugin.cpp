// The payments plugin: paying a pending order through Paystack (or the
// built-in sandbox), the signed webhook applied once, verification, and the
// payment and its order marked paid in one transaction.
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "payment_book.h"
#include "payments_api.h"
#include "payments_config.h"
#include "paystack_client.h"
#include "reconciler.h"
#include "sandbox_provider.h"

namespace agape::payments {
namespace {

constexpr const char* kReconcileQueue = "payments.reconcile";

class PaymentsPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodePaymentsConfig(section); }

  void provision(Context& ctx) override {
    if (ctx.environment() == "production") refuseDevelopmentSettings(config_, ctx.config());
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
    reconciler_ = std::make_unique<Reconciler>(ctx.db(), *book_, *provider_, ctx.clock(), ctx.logger(),
                                               config_.reconcileLookback);
    ctx.jobs().handle(kReconcileQueue, [this](const Job&) { reconciler_->run(); }, {.lease = std::chrono::minutes(10)});
    ctx.jobs().schedule("reconcile", "23 * * * *", kReconcileQueue, "{}");
    ctx.routes().post("/v1/admin/payments/reconcile", [this](Request&) {
      try {
        const ReconcileResult r = reconciler_->run();
        return jsonResponse({{"checked", r.checked}, {"applied", r.applied}, {"unknown", r.unknown}});
      } catch (const ProviderError&) {
        throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
      }
    }, {.access = Access::Roles, .roles = {"admin", "finance"}, .consumes = {},
        .summary = "Applies provider results the webhooks did not deliver",
        .description = "Asks the provider for its successful transactions of payments.reconcileLookback and applies "
                       "each one not applied yet (as a webhook would: once). Also runs every hour.",
        .tag = "payments",
        .responseSchema = R"({"type":"object","properties":{"checked":{"type":"integer"},"applied":{"type":"integer"},)"
                          R"("unknown":{"type":"integer"}}})"});
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
  std::unique_ptr<Reconciler> reconciler_;
};

}  // namespace
}  // namespace agape::payments

AGAPE_PLUGIN(agape::payments::PaymentsPlugin, "payments", "1.0.0", "orders", "?auth")
