#pragma once
// The append-only audit trail. Every admin action of every module records
// one entry in the same transaction as the change it describes; the request
// id and client IP of the request being served are added by the kernel.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {

class Tx;

struct AuditEntry {
  std::string id;
  std::chrono::system_clock::time_point at;
  std::string actor;     // principal id, or "system"
  std::string action;    // dotted verb: "product.update", "user.roles_changed"
  std::string entity;    // "product"
  std::string entityId;
  std::string details;   // JSON text
  std::string requestId;
  std::string ip;
};

struct AuditQuery {
  std::string actor, action, entity, entityId;  // exact filters when not empty
  std::optional<std::chrono::system_clock::time_point> from, to;  // [from, to)
  int page = 1;
  int limit = 20;  // 1..100
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  long long total = 0;
};

class Audit {
 public:
  virtual ~Audit() = default;
  virtual void record(std::string_view actor, std::string_view action, std::string_view entity,
                      std::string_view entityId, std::string_view detailsJson, Tx& tx) = 0;
  virtual AuditPage query(const AuditQuery& query) = 0;
};

}  // namespace agape
