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
#include <agape/schema.h>

namespace agape::admin {

// Jobs::deadLetters has no offset: a page is cut from the newest this many,
// and later pages are refused (a `queue` filter reaches the others).
inline constexpr int kMaxDeadLetters = 1000;

class JobsApi {
 public:
  JobsApi(Jobs& jobs, Audit& audit, Database& db) : jobs_(jobs), audit_(audit), db_(db) {}
  void registerRoutes(Routes& routes);

 private:
  // Retries the dead job `id`, audited as `actor`'s.
  void retry(const std::string& id, const std::string& actor);

  Jobs& jobs_;
  Audit& audit_;
  Database& db_;
};

struct DeadLetter {
  std::string id;
  std::string queue;
  JsonText payload;  // as enqueued: the JSON itself, or the text as a string
  long long attempts = 0;
  std::string lastError;
  Timestamp failedAt;
};

struct JobsOverview {
  std::vector<QueueStats> queues;
  Page<DeadLetter> deadLetters;
};

// GET /v1/admin/jobs's answer: the queues (only `queue` when not empty) and
// page `page` of `newest`, the newest dead letters of those queues, whose
// total is the queues' dead count.
JobsOverview jobsOverview(const std::vector<QueueStats>& stats, const std::vector<DeadJob>& newest,
                          std::string_view queue, int page, int limit);
Schema<JobsOverview> jobsOverviewSchema();

}  // namespace agape::admin
