#include "audit/audit_log.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "log/log.h"

namespace agape::kernel {
namespace {

long long toMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

Value optional(std::string_view s) { return s.empty() ? Value() : Value(s); }

}  // namespace

void AuditLog::record(std::string_view actor, std::string_view action, std::string_view entity,
                      std::string_view entityId, std::string_view detailsJson, Tx& tx) {
  if (actor.empty() || action.empty() || entity.empty())
    throw std::invalid_argument("audit: actor, action and entity are required");
  const std::string_view details = detailsJson.empty() ? std::string_view("{}") : detailsJson;
  if (!nlohmann::json::accept(details)) throw std::invalid_argument("audit: details are not JSON");
  tx.execLater("INSERT INTO agape_audit (at, actor, action, entity, entity_id, details, request_id, ip)"
               " VALUES (:at, :actor, :action, :entity, :entity_id, :details, :request_id, :ip)",
               {{"at", toMs(clock_.now())}, {"actor", actor}, {"action", action}, {"entity", entity},
                {"entity_id", entityId}, {"details", details}, {"request_id", optional(currentRequestId())},
                {"ip", optional(currentClientIp())}});
}

AuditPage AuditLog::query(const AuditQuery& q) {
  if (q.page < 1) throw std::invalid_argument("audit query: page must be at least 1");
  if (q.limit < 1 || q.limit > 100) throw std::invalid_argument("audit query: limit must be between 1 and 100");
  // Fixed fragments only; every value is a parameter.
  std::string where = " WHERE 1 = 1";
  Params params;
  auto filter = [&](const std::string& value, const char* column) {
    if (value.empty()) return;
    where.append(" AND ").append(column).append(" = :").append(column);
    params.emplace_back(column, value);
  };
  filter(q.actor, "actor");
  filter(q.action, "action");
  filter(q.entity, "entity");
  filter(q.entityId, "entity_id");
  if (q.from) {
    where += " AND at >= :from";
    params.emplace_back("from", toMs(*q.from));
  }
  if (q.to) {
    where += " AND at < :to";
    params.emplace_back("to", toMs(*q.to));
  }
  return db_.read([&](Tx& tx) {
    AuditPage page;
    page.total = tx.one("SELECT count(*) AS n FROM agape_audit" + where, params)->integer("n");
    Params pageParams = params;
    pageParams.emplace_back("limit", q.limit);
    pageParams.emplace_back("offset", static_cast<long long>(q.page - 1) * q.limit);
    for (const Row& r : tx.query("SELECT id, at, actor, action, entity, entity_id, details, request_id, ip"
                                 " FROM agape_audit" + where + " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset",
                                 pageParams)) {
      AuditEntry e;
      e.id = r.text("id");
      e.at = fromMs(r.integer("at"));
      e.actor = r.text("actor");
      e.action = r.text("action");
      e.entity = r.text("entity");
      e.entityId = r.text("entity_id");
      e.details = r.text("details");
      e.requestId = r.optText("request_id").value_or("");
      e.ip = r.optText("ip").value_or("");
      page.entries.push_back(std::move(e));
    }
    return page;
  });
}

}  // namespace agape::kernel
