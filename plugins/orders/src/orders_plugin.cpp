// The orders plugin: orders placed from the cart with their stock reserved in
// the same transaction, the status life of an order (API.md) with its stock
// effects, events and audit, expiry when the reservation lapses, coupons
// (the cart's CouponEvaluator), the OrderService payments and the back office
// call, bulk import of order history (OrderHistoryImport), and invoices
// rendered when an order is paid and kept (in the media library when it is
// enabled).
#include <filesystem>
#include <memory>

#include <agape/auth/user_directory.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/inventory/events.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/media/media_library.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "coupon_book.h"
#include "coupons_api.h"
#include "invoices.h"
#include "order_book.h"
#include "order_history_import_impl.h"
#include "orders_api.h"
#include "orders_config.h"

namespace agape::orders {
namespace {

constexpr const char* kPurgeQueue = "orders.purge_idempotency_keys";

class OrdersPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeOrdersConfig(section); }

  void provision(Context& ctx) override {
    verifiedEmailRequired_ = verifiedEmailRequired(config_, ctx.environment());
    book_ = std::make_shared<OrderBook>(config_, ctx.clock(), ctx.events(), ctx.audit());
    ctx.services().provide<OrderService>(book_);
    ctx.services().provide<OrderHistoryImport>(
        std::make_shared<OrderHistoryImportImpl>(ctx.events(), config_.numberPrefix));
    coupons_ = std::make_shared<CouponBook>(ctx.clock(), ctx.audit());
    ctx.services().provide<cart::CouponEvaluator>(coupons_);
    if (!std::filesystem::is_regular_file(config_.invoiceFont))
      ctx.config().child("invoices")->child("font")->fail(
          "no font file at " + config_.invoiceFont + " (install fonts-dejavu-core, or name a TrueType font)");
    invoices_ = std::make_unique<Invoices>(ctx.db(), *book_, ctx.logger(), config_.invoiceFont);
    api_ = std::make_unique<OrdersApi>(ctx, *book_, *invoices_);
    api_->registerRoutes(ctx.routes());
    couponsApi_ = std::make_unique<CouponsApi>(ctx, *coupons_);
    couponsApi_->registerRoutes(ctx.routes());
    Database& db = ctx.db();
    // A lapsed hold expires its pending order (at least once; expireHeld is
    // idempotent: an order no longer pending is left alone).
    ctx.events().subscribe<inventory::ReservationExpired>(
        "expire-orders", [this](const inventory::ReservationExpired& expired, const Event&, Tx& tx) {
          book_->expireHeld(tx, expired.holder());
        });
    // Rendered and kept once paid, outside any transaction (a failure is
    // retried by the event's retry job).
    if (config_.renderInvoicesWhenPaid)
      ctx.events().subscribe<OrderPaid>(
          "invoices", [this](const OrderPaid& paid, const Event&) { invoices_->issue(paid.orderId); });
    ctx.jobs().handle(kPurgeQueue, [this, &db](const Job&) {
      db.run([&](Tx& tx) { book_->purgeIdempotencyKeys(tx); });
    });
    ctx.jobs().schedule("purge_idempotency_keys", "41 * * * *", kPurgeQueue, "{}");
  }

  void validate(Context& ctx) override {
    book_->use(ctx.services().get<cart::CartService>(), ctx.services().get<inventory::StockService>(), *coupons_);
    // Only requests and deliveries use it, and they end before the services are dropped.
    if (const auto media = ctx.services().find<media::MediaLibrary>())
      invoices_->keepIn(mediaInvoiceStore(*media));
    else
      invoices_->keepIn(directoryInvoiceStore(config_.invoiceDirectory.empty()
                                                  ? (std::filesystem::path(ctx.dataDir()) / "invoices").string()
                                                  : config_.invoiceDirectory));
    if (verifiedEmailRequired_) {
      // Only requests use it, and they end before the services are dropped.
      const auto users = ctx.services().find<auth::UserDirectory>();
      if (!users) {
        const auto key = ctx.config().child("requireVerifiedEmail");
        key->fail(std::string(key->present() ? "" : "is on in production unless set to false, and ") +
                  "needs the auth plugin to know who verified their email address: enable auth, or set "
                  "orders.requireVerifiedEmail: false");
      }
      api_->requireVerifiedEmail(*users);
    }
  }

 private:
  OrdersConfig config_;
  bool verifiedEmailRequired_ = false;
  std::shared_ptr<OrderBook> book_;
  std::unique_ptr<Invoices> invoices_;
  std::unique_ptr<OrdersApi> api_;
  std::shared_ptr<CouponBook> coupons_;
  std::unique_ptr<CouponsApi> couponsApi_;
};

}  // namespace
}  // namespace agape::orders

AGAPE_PLUGIN(agape::orders::OrdersPlugin, "orders", "1.0.0", "cart", "inventory", "?auth", "?media")
