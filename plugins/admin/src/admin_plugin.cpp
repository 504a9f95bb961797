// The admin plugin: the back office's reading and repair tools over what the
// kernel keeps for every module. One API class per concern, each
// registering its own routes in provision:
//   AuditApi  GET /v1/admin/audit-logs          the audit trail, filtered
//   JobsApi   GET /v1/admin/jobs                queue counts, dead letters
//             POST /v1/admin/jobs/:id/retry     a dead job run again, audited
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/logger.h>
#include <agape/plugin.h>

#include "admin_config.h"
#include "audit_api.h"
#include "jobs_api.h"

namespace agape::admin {
namespace {

class AdminPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeAdminConfig(section); }

  void provision(Context& ctx) override {
    audit_ = std::make_unique<AuditApi>(ctx.audit());
    audit_->registerRoutes(ctx.routes());
    jobs_ = std::make_unique<JobsApi>(ctx.jobs(), ctx.audit(), ctx.db());
    jobs_->registerRoutes(ctx.routes());
  }

  void start(Context& ctx) override { ctx.logger().info("admin time zone", {{"timeZone", config_.timeZone}}); }

 private:
  AdminConfig config_;
  std::unique_ptr<AuditApi> audit_;
  std::unique_ptr<JobsApi> jobs_;
};

}  // namespace
}  // namespace agape::admin

AGAPE_PLUGIN(agape::admin::AdminPlugin, "admin", "1.0.0")
