#include "jobs_api.h"

#include <algorithm>
#include <string>

#include <agape/clock.h>
#include <agape/contract.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/roles.h>

namespace agape::admin {
namespace {

constexpr const char* kTag = "admin";
const std::vector<std::string> kAdmins = {std::string(roles::admin)};

struct OverviewQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> queue;
};
struct Retried {
  std::string id;
  bool retried = true;
};

DeadLetter deadLetterOf(const DeadJob& d) {
  const bool json = Json::accept(d.payload);
  return {d.id, d.queue, JsonText{json ? d.payload : Json(d.payload).dump()}, d.attempts, d.lastError,
          Timestamp{epochMs(d.failedAt)}};
}

}  // namespace

JobsOverview jobsOverview(const std::vector<QueueStats>& stats, const std::vector<DeadJob>& newest,
                          std::string_view queue, int page, int limit) {
  JobsOverview out;
  long long dead = 0;
  for (const QueueStats& s : stats) {
    if (!queue.empty() && s.queue != queue) continue;
    out.queues.push_back(s);
    dead += s.dead;
  }
  std::vector<DeadLetter> data;
  const std::size_t first = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(limit);
  for (std::size_t i = first; i < newest.size() && i < first + static_cast<std::size_t>(limit); ++i)
    data.push_back(deadLetterOf(newest[i]));
  out.deadLetters = {std::move(data), page, limit, dead};
  return out;
}

Schema<JobsOverview> jobsOverviewSchema() {
  const auto queue =
      Schema<QueueStats>()
          .field("queue", &QueueStats::queue)
          .field("pending", &QueueStats::pending, {.description = "waiting for a first attempt"})
          .field("running", &QueueStats::running)
          .field("done", &QueueStats::done)
          .field("failed", &QueueStats::failed, {.description = "failed, waiting for a retry"})
          .field("dead", &QueueStats::dead, {.description = "out of attempts"})
          .field("oldestPendingSeconds", &QueueStats::oldestPendingSeconds,
                 {.description = "age of the oldest job due to run"});
  const auto deadLetter = Schema<DeadLetter>()
                              .field("id", &DeadLetter::id)
                              .field("queue", &DeadLetter::queue)
                              .field("payload", &DeadLetter::payload,
                                     {.description = "as enqueued: parsed when it is JSON, else the text"})
                              .field("attempts", &DeadLetter::attempts)
                              .field("lastError", &DeadLetter::lastError)
                              .field("failedAt", &DeadLetter::failedAt);
  return Schema<JobsOverview>()
      .field("queues", &JobsOverview::queues, queue)
      .field("deadLetters", &JobsOverview::deadLetters, pageSchema(deadLetter));
}

void JobsApi::registerRoutes(Routes& routes) {
  Schema<OverviewQuery> query;
  withPages(query)
      .field("queue", &OverviewQuery::queue, {.minLength = 1, .maxLength = 100,
                                              .description = "one queue, e.g. notifications.send"})
      .check([](const OverviewQuery& q, std::vector<FieldError>& errors) {
        if (static_cast<long long>(q.page - 1) * q.limit >= kMaxDeadLetters)
          errors.push_back({"page", "only the newest " + std::to_string(kMaxDeadLetters) +
                                        " dead letters are listed; narrow them with queue"});
      });
  routes.get("/v1/admin/jobs", Contract().query(query).returns(jobsOverviewSchema()),
             {.access = Access::Roles, .roles = kAdmins,
              .summary = "Job queues' counts and the dead letters, newest first",
              .description = "`queue` narrows both to one queue. The dead letters are paged from the newest " +
                             std::to_string(kMaxDeadLetters) +
                             " (of that queue, with `queue`); a page beyond them is 400 on `page`. Their `total` "
                             "counts every dead job of the queues shown.",
              .tag = kTag},
             [this](Call<None, OverviewQuery>& call) {
               const auto& q = call.query;
               const std::string name = q.queue.value_or("");
               const auto newest = jobs_.deadLetters(name, std::min(q.page * q.limit, kMaxDeadLetters));
               return jobsOverview(jobs_.stats(), newest, name, q.page, q.limit);
             });
  routes.post("/v1/admin/jobs/:id/retry",
              Contract().returns(Schema<Retried>().field("id", &Retried::id).field("retried", &Retried::retried)),
              {.access = Access::Roles, .roles = kAdmins, .consumes = {},
               .summary = "Puts a dead job back to pending with fresh attempts",
               .description = "Audited as `job.retry` (entity `job`) with the job's queue, attempts and last error "
                              "when it is among the newest dead letters. 404 when no dead job has this id (a pending, "
                              "running or done job included).",
               .tag = kTag},
             [this](Call<>& call) {
               const std::string id(call.param("id"));
               retry(id, call.principal().id);
               return Retried{id, true};
             });
}

void JobsApi::retry(const std::string& id, const std::string& actor) {
  // What the audit entry tells of the job, read while it is still dead.
  Json details = Json::object();
  for (const DeadJob& d : jobs_.deadLetters({}, kMaxDeadLetters))
    if (d.id == id) {
      details = {{"queue", d.queue}, {"attempts", d.attempts}, {"lastError", d.lastError}};
      break;
    }
  // Jobs::retry commits in a transaction of its own: the entry follows it.
  if (!jobs_.retry(id)) throw Problem::notFound("No dead job has this id.");
  db_.run([&](Tx& tx) { audit_.record(actor, "job.retry", "job", id, details.dump(), tx); });
}

}  // namespace agape::admin
