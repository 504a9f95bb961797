#include "audit_api.h"

#include <chrono>
#include <string>

#include <agape/clock.h>
#include <agape/query.h>

namespace agape::admin {
namespace {

constexpr const char* kPageSchema =
    R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":{"type":"object",)"
    R"("required":["id","at","actor","action","entity","entityId","details","requestId","ip"],"properties":{)"
    R"("id":{"type":"string"},"at":{"type":"string","format":"date-time"},)"
    R"("actor":{"type":"string","description":"the principal's id, or system"},)"
    R"("action":{"type":"string","description":"a dotted verb: product.update, job.retry"},)"
    R"("entity":{"type":"string"},"entityId":{"type":"string"},)"
    R"("details":{"type":"object","nullable":true,"description":"what the module recorded; null when it is not JSON"},)"
    R"("requestId":{"type":"string","nullable":true,"description":"null for jobs and commands"},)"
    R"("ip":{"type":"string","nullable":true,"description":"the client's address; null for jobs and commands"}}}},)"
    R"("meta":{"type":"object","properties":{"page":{"type":"integer"},"limit":{"type":"integer"},)"
    R"("total":{"type":"integer"},"totalPages":{"type":"integer"}}}}})";

Json orNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace

Json auditEntryJson(const AuditEntry& e) {
  Json details = Json::parse(e.details, nullptr, false);
  if (details.is_discarded()) details = nullptr;
  return {{"id", e.id},           {"at", rfc3339(epochMs(e.at))}, {"actor", e.actor},
          {"action", e.action},   {"entity", e.entity},           {"entityId", e.entityId},
          {"details", details},   {"requestId", orNull(e.requestId)}, {"ip", orNull(e.ip)}};
}

void AuditApi::registerRoutes(Routes& routes) {
  routes.get("/v1/admin/audit-logs", [this](Request& req) { return list(req); },
             {.access = Access::Roles, .roles = {"admin"},
              .summary = "The audit trail of every module's admin actions, newest first",
              .description = "Exact filters on `actor` (a user id, or `system`), `action` (`product.update`), "
                             "`entity` (`product`) and `entityId`; `from` (inclusive) and `to` (exclusive) take a "
                             "date (its midnight UTC) or an RFC 3339 time. A bad filter or an unknown parameter is "
                             "400 `validation_failed` naming it.",
              .tag = "admin",
              .responseSchema = kPageSchema,
              .query = withPages({{.name = "actor", .description = "who acted: a user id, or system"},
                                  {.name = "action", .description = "a dotted verb, e.g. product.update"},
                                  {.name = "entity", .description = "what was acted on, e.g. product"},
                                  {.name = "entityId", .description = "its id (usually with entity)"},
                                  {.name = "from", .description = "at or after: 2026-11-24 or 2026-11-24T10:15:00Z"},
                                  {.name = "to", .description = "before: 2026-11-25 or 2026-11-24T18:00:00+01:00"}})});
}

Response AuditApi::list(const Request& req) {
  QueryReader q(req, {"actor", "action", "entity", "entityId", "from", "to", "page", "limit"});
  AuditQuery query;
  for (auto [name, field] : {std::pair{"actor", &query.actor}, std::pair{"action", &query.action},
                             std::pair{"entity", &query.entity}, std::pair{"entityId", &query.entityId}}) {
    const auto value = q.text(name, 200);
    if (value && value->empty()) q.fail(name, "must not be empty");
    *field = value.value_or("");
  }
  const auto from = q.time("from");
  const auto to = q.time("to");
  if (from && to && *from >= *to) q.fail("to", "must be after from");
  const PageRequest page = q.page();
  q.finish();
  if (from) query.from = fromMs(*from);
  if (to) query.to = fromMs(*to);
  query.page = page.page;
  query.limit = page.limit;
  const AuditPage found = audit_.query(query);
  Json data = Json::array();
  for (const AuditEntry& e : found.entries) data.push_back(auditEntryJson(e));
  return jsonResponse(pageJson(std::move(data), page.page, page.limit, found.total));
}

}  // namespace agape::admin
