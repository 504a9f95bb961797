#include "audit_api.h"

#include <chrono>
#include <string>

#include <agape/clock.h>
#include <agape/contract.h>
#include <agape/json.h>
#include <agape/roles.h>

namespace agape::admin {
namespace {

struct AuditListQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> actor, action, entity, entityId;
  std::optional<Timestamp> from, to;
};

std::optional<std::string> orNull(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace

AuditEntryView auditEntryView(const AuditEntry& e) {
  return {e.id,       Timestamp{epochMs(e.at)}, e.actor, e.action, e.entity, e.entityId,
          JsonText{Json::accept(e.details) ? e.details : "null"}, orNull(e.requestId), orNull(e.ip)};
}

Schema<AuditEntryView> auditEntrySchema() {
  return Schema<AuditEntryView>()
      .field("id", &AuditEntryView::id)
      .field("at", &AuditEntryView::at)
      .field("actor", &AuditEntryView::actor, {.description = "the principal's id, or system"})
      .field("action", &AuditEntryView::action, {.description = "a dotted verb: product.update, job.retry"})
      .field("entity", &AuditEntryView::entity)
      .field("entityId", &AuditEntryView::entityId)
      .field("details", &AuditEntryView::details, {.description = "what the module recorded; null when it is not JSON"})
      .field("requestId", &AuditEntryView::requestId, {.description = "null for jobs and commands"})
      .field("ip", &AuditEntryView::ip, {.description = "the client's address; null for jobs and commands"});
}

void AuditApi::registerRoutes(Routes& routes) {
  Schema<AuditListQuery> query;
  withPages(query)
      .field("actor", &AuditListQuery::actor, {.minLength = 1, .maxLength = 200, .description = "who acted: a user id, or system"})
      .field("action", &AuditListQuery::action,
             {.minLength = 1, .maxLength = 200, .description = "a dotted verb, e.g. product.update"})
      .field("entity", &AuditListQuery::entity,
             {.minLength = 1, .maxLength = 200, .description = "what was acted on, e.g. product"})
      .field("entityId", &AuditListQuery::entityId,
             {.minLength = 1, .maxLength = 200, .description = "its id (usually with entity)"})
      .field("from", &AuditListQuery::from, {.description = "at or after: 2026-11-24 or 2026-11-24T10:15:00Z"})
      .field("to", &AuditListQuery::to, {.description = "before: 2026-11-25 or 2026-11-24T18:00:00+01:00"})
      .check([](const AuditListQuery& q, std::vector<FieldError>& errors) {
        if (q.from && q.to && q.from->ms >= q.to->ms) errors.push_back({"to", "must be after from"});
      });
  routes.get("/v1/admin/audit-logs", Contract().query(query).returns(pageSchema(auditEntrySchema())),
             {.access = Access::Roles, .roles = {std::string(roles::admin)},
              .summary = "The audit trail of every module's admin actions, newest first",
              .description = "Exact filters on `actor` (a user id, or `system`), `action` (`product.update`), "
                             "`entity` (`product`) and `entityId`; `from` (inclusive) and `to` (exclusive) take a "
                             "date (its midnight UTC) or an RFC 3339 time. A bad filter or an unknown parameter is "
                             "400 `validation_failed` naming it.",
              .tag = "admin"},
             [this](Call<None, AuditListQuery>& call) {
               const auto& q = call.query;
               AuditQuery query{q.actor.value_or(""), q.action.value_or(""), q.entity.value_or(""),
                                q.entityId.value_or(""), std::nullopt, std::nullopt, q.page, q.limit};
               if (q.from) query.from = fromMs(q.from->ms);
               if (q.to) query.to = fromMs(q.to->ms);
               const AuditPage found = audit_.query(query);
               std::vector<AuditEntryView> data;
               for (const AuditEntry& e : found.entries) data.push_back(auditEntryView(e));
               return Page<AuditEntryView>(std::move(data), q.page, q.limit, found.total);
             });
}

}  // namespace agape::admin
