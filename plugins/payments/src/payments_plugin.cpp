// The payments plugin: paying a pending order through Paystack (or the
// built-in sandbox), the signed webhook applied once, verification, and the
// payment and its order marked paid in one transaction; refunds (asked by
// finance or by a paid order's cancellation) sent once and settled with the
// provider when its answer was lost; a daily word to the staff about the
// payments that need someone.
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/plugin.h>
#include <agape/services.h>
#include <agape/orders/events.h>

#include "attention.h"
#include "payment_book.h"
#include "payments_api.h"
#include "payments_config.h"
#include "paystack_client.h"
#include "reconciler.h"
#include "refunds.h"
#include "sandbox_provider.h"

namespace agape::payments {
namespace {

constexpr const char* kReconcileQueue = "payments.reconcile";
constexpr const char* kPurgeQueue = "payments.purge";

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
    refunds_ = std::make_unique<Refunds>(ctx.db(), *book_, *provider_, ctx.jobs(), ctx.logger(), config_);
    reconciler_ = std::make_unique<Reconciler>(ctx.db(), *book_, *provider_, ctx.clock(), ctx.logger(),
                                               config_.reconcileLookback);
    api_ = std::make_unique<PaymentsApi>(ctx, config_, *book_, *provider_, *refunds_, *reconciler_, sandbox_);
    api_->registerRoutes(ctx.routes());
    ctx.jobs().handle(kReconcileQueue, [this](const Job&) { reconciler_->run(); }, {.lease = std::chrono::minutes(10)});
    ctx.jobs().schedule("reconcile", "23 * * * *", kReconcileQueue, "{}");

    // A paid order cancelled: its payment is refunded in full, once (the
    // refund's origin is the order), however often the event comes.
    ctx.events().subscribe<orders::OrderCancelled>(
        "refund-cancelled-orders", [this](const orders::OrderCancelled& cancelled, const Event&) {
          refunds_->refundCancelledOrder(cancelled.orderId, cancelled.actor);
        });
    // Refunds whose answer was lost, and accepted ones whose webhook may be.
    ctx.jobs().handle(kSettleRefundsQueue, [this](const Job& job) {
      const Json payload = Json::parse(job.payload, nullptr, false);
      refunds_->settle(payload.is_object() ? payload.value("reference", "") : "");
    }, {.lease = std::chrono::minutes(10)});
    ctx.jobs().schedule("settle_refunds", "*/5 * * * *", kSettleRefundsQueue, "{}");
    Database& db = ctx.db();
    ctx.jobs().handle(kPurgeQueue, [this, &db](const Job&) {
      db.run([&](Tx& tx) { book_->purge(tx, book_->nowMs() - static_cast<long long>(config_.retention.count())); });
    });
    ctx.jobs().schedule("purge", "47 3 * * *", kPurgeQueue, "{}");
    // Refunds due and mismatched amounts, told to the staff every morning
    // (notifications subscribes): an event, not a call, so payments needs
    // no mailer.
    attention_ = std::make_unique<AttentionCheck>(ctx.clock(), ctx.events(), config_.attentionLookback);
    ctx.jobs().handle(kAttentionQueue, [this, &db](const Job& job) {
      db.run([&](Tx& tx) { attention_->run(tx, job.id); });
    });
    ctx.jobs().schedule("attention", "0 8 * * *", kAttentionQueue, "{}");
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
  std::unique_ptr<Refunds> refunds_;
  std::unique_ptr<PaymentsApi> api_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<AttentionCheck> attention_;
};

}  // namespace
}  // namespace agape::payments

AGAPE_PLUGIN(agape::payments::PaymentsPlugin, "payments", "1.0.0", "orders", "?auth")
