#pragma once
// The kernel's durable jobs over HTTP: queue counts and dead letters
// (GET /v1/admin/jobs), and a dead job put back to pending
// (POST /v1/admin/jobs/:id/retry, audited).
#include <string_view>
#include <vector>

#include <agape/audit.h>
#include <agape/db.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/query.h>

namespace agape::admin {

// Jobs::deadLetters has no offset: a page is cut from the newest this many,
// and later pages are refused (a `queue` filter reaches the others).
inline constexpr int kMaxDeadLetters = 1000;

class JobsApi {
 public:
  JobsApi(Jobs& jobs, Audit& audit, Database& db) : jobs_(jobs), audit_(audit), db_(db) {}
  void registerRoutes(Routes& routes);

 private:
  Response overview(const Request& req);
  Response retry(const Request& req);

  Jobs& jobs_;
  Audit& audit_;
  Database& db_;
};

// GET /v1/admin/jobs's answer: the queues (only `queue` when not empty) and
// page `page` of `newest`, the newest dead letters of those queues, whose
// total is the queues' dead count. Payloads are parsed when they are JSON.
Json jobsOverview(const std::vector<QueueStats>& stats, const std::vector<DeadJob>& newest, std::string_view queue,
                  PageRequest page);

}  // namespace agape::admin
