// The admin plugin: the back office's reports and its reading and repair
// tools over what the kernel keeps for every module. One API class per
// concern, each registering its own routes in provision:
//   DashboardApi  GET /v1/admin/dashboard/stats|trends|top-products
//   ExportApi     GET /v1/admin/reports/sales/export   CSV, streamed
//   AuditApi      GET /v1/admin/audit-logs             the audit trail, filtered
//   JobsApi       GET /v1/admin/jobs                   queue counts, dead letters
//                 POST /v1/admin/jobs/:id/retry        a dead job run again, audited
// The reports read the SalesBook, a read model kept from the orders
// plugin's events and rebuilt (sales_rebuild) when new or when the time zone
// changed, or after `agape seed orders`.
#include <memory>
#include <optional>

#include <agape/auth/user_directory.h>
#include <agape/catalog/variant_directory.h>
#include <agape/clock.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/orders/events.h>
#include <agape/orders/order_service.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include "admin_config.h"
#include "audit_api.h"
#include "dashboard_api.h"
#include "export_api.h"
#include "jobs_api.h"
#include "sales_book.h"
#include "sales_rebuild.h"
#include "shop_calendar.h"

namespace agape::admin {
namespace {

constexpr const char* kRebuildQueue = "admin.rebuild_sales";

std::string rebuildRequest(std::chrono::system_clock::time_point at) {
  return Json{{"requestedAt", epochMs(at)}}.dump();
}

class AdminPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeAdminConfig(section); }

  void provision(Context& ctx) override {
    Database& db = ctx.db();
    try {
      calendar_ = std::make_unique<ShopCalendar>(config_.timeZone);
    } catch (const std::exception& e) {  // a zone under $TZDIR that the system's tz database lacks
      ctx.config().child("timeZone")->fail("\"" + config_.timeZone + "\" cannot be read from the system's tz database: " +
                                           e.what());
    }
    sales_ = std::make_unique<SalesBook>(*calendar_, config_.currency);
    dashboard_ = std::make_unique<DashboardApi>(db, *calendar_, *sales_, config_.reportCacheTtl);
    dashboard_->registerRoutes(ctx.routes());
    export_ = std::make_unique<ExportApi>(db, *calendar_);
    export_->registerRoutes(ctx.routes());
    audit_ = std::make_unique<AuditApi>(ctx.audit());
    audit_->registerRoutes(ctx.routes());
    jobs_ = std::make_unique<JobsApi>(ctx.jobs(), ctx.audit(), db);
    jobs_->registerRoutes(ctx.routes());

    // Every change of an order (order.created, .paid, .refund_changed, ...):
    // its current state, read through the OrderService, goes into the model.
    const auto refresh = [this](const auto& event, const Event&, Tx& tx) {
      if (!orders_) return;
      for (const auto& rec : orders_->records(tx, {event.orderId})) sales_->apply(tx, rec);
    };
    using namespace orders;
    ctx.events().subscribe("order.*", "sales",
                           EventSwitch()
                               .on<OrderCreated>(refresh)
                               .on<OrderPaid>(refresh)
                               .on<OrderProcessing>(refresh)
                               .on<OrderShipped>(refresh)
                               .on<OrderDelivered>(refresh)
                               .on<OrderCancelled>(refresh)
                               .on<OrderExpired>(refresh)
                               .on<OrderRefunded>(refresh)
                               .on<OrderRefundChanged>(refresh));
    // Seeded history comes without events: the model is built again.
    ctx.events().subscribeBatch("orders.seeded", "sales-rebuild", [&ctx](const std::vector<Event>& batch, Tx& tx) {
      for (const Event& e : batch) ctx.jobs().enqueue(kRebuildQueue, rebuildRequest(e.occurredAt), {}, tx);
    });
    ctx.jobs().handle(kRebuildQueue, [this, &db, &ctx](const Job& job) {
      const Json payload = Json::parse(job.payload, nullptr, false);
      if (!orders_ || !payload.is_object() || !payload.contains("requestedAt")) return;
      const auto r = rebuildSalesIfStale(db, *orders_, *sales_, payload["requestedAt"].get<long long>());
      if (r)
        ctx.logger().info("sales reports rebuilt", {{"orders", std::to_string(r->orders)},
                                                    {"ms", std::to_string(r->millis)},
                                                    {"timeZone", config_.timeZone}});
    }, QueueOptions{.lease = std::chrono::minutes(30)});
    addRebuildCommand(ctx.commands(), db, orders_, *sales_);
  }

  void validate(Context& ctx) override {
    orders_ = ctx.services().find<orders::OrderService>();
    export_->use(orders_, ctx.services().find<auth::UserDirectory>());
    dashboard_->useCatalog(ctx.services().find<catalog::VariantDirectory>());
  }

  void start(Context& ctx) override {
    if (!orders_) return;
    // A new model, or one whose days are in another time zone (or whose sums
    // are in another currency), is built anew.
    const auto builtFor = ctx.db().run([&](Tx& tx) { return sales_->builtFor(tx); }, {.readOnly = true});
    if (builtFor == sales_->builtForKey()) return;
    ctx.jobs().enqueue(kRebuildQueue, rebuildRequest(ctx.clock().now()));
    ctx.logger().info("sales reports will be rebuilt", {{"for", sales_->builtForKey()},
                                                        {"was", builtFor.value_or("never built")}});
  }

 private:
  AdminConfig config_;
  std::unique_ptr<ShopCalendar> calendar_;
  std::unique_ptr<SalesBook> sales_;
  std::shared_ptr<orders::OrderService> orders_;
  std::unique_ptr<DashboardApi> dashboard_;
  std::unique_ptr<ExportApi> export_;
  std::unique_ptr<AuditApi> audit_;
  std::unique_ptr<JobsApi> jobs_;
};

}  // namespace
}  // namespace agape::admin

AGAPE_PLUGIN(agape::admin::AdminPlugin, "admin", "1.0.0", "?orders", "?auth", "?catalog")
