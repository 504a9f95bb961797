#pragma once
// The append-only audit trail over agape_audit. record() writes in the
// caller's transaction, adding the request id and client IP of the request
// this thread is serving (empty for jobs and commands). The table refuses
// UPDATE and DELETE (triggers), so entries cannot be edited afterwards.

#include "agape/audit.h"
#include "agape/clock.h"
#include "agape/db.h"

namespace agape::kernel {

class AuditLog final : public Audit {
 public:
  AuditLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  void record(std::string_view actor, std::string_view action, std::string_view entity, std::string_view entityId,
              std::string_view detailsJson, Tx& tx) override;
  // Throws std::invalid_argument for a page below 1 or a limit outside 1..100.
  AuditPage query(const AuditQuery& query) override;

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace agape::kernel
