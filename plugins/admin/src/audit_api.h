#pragma once
// GET /v1/admin/audit-logs: the kernel's audit trail (every module's admin
// actions), filtered and paged, newest first.
#include <agape/audit.h>
#include <agape/http.h>
#include <agape/json.h>

namespace agape::admin {

class AuditApi {
 public:
  explicit AuditApi(Audit& audit) : audit_(audit) {}
  void registerRoutes(Routes& routes);

 private:
  Response list(const Request& req);

  Audit& audit_;
};

// One entry as the API writes it: `at` in RFC 3339, `details` parsed (null
// when the text is not JSON), an empty request id or IP as null.
Json auditEntryJson(const AuditEntry& entry);

}  // namespace agape::admin
