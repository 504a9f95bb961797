#pragma once
// GET /v1/admin/audit-logs: the kernel's audit trail (every module's admin
// actions), filtered and paged, newest first.
#include <agape/audit.h>
#include <agape/http.h>
#include <agape/schema.h>

namespace agape::admin {

class AuditApi {
 public:
  explicit AuditApi(Audit& audit) : audit_(audit) {}
  void registerRoutes(Routes& routes);

 private:

  Audit& audit_;
};

struct AuditEntryView {
  std::string id;
  Timestamp at;
  std::string actor;
  std::string action;
  std::string entity;
  std::string entityId;
  JsonText details;  // null when the text is not JSON
  std::optional<std::string> requestId;
  std::optional<std::string> ip;
};

// One entry as the API writes it: `details` as JSON (null when the text is
// not JSON), an empty request id or IP as null.
AuditEntryView auditEntryView(const AuditEntry& entry);
Schema<AuditEntryView> auditEntrySchema();

}  // namespace agape::admin
