#include "jobs_api.h"

#include <algorithm>
#include <string>

#include <agape/clock.h>
#include <agape/problem.h>

namespace agape::admin {
namespace {

constexpr const char* kTag = "admin";

constexpr const char* kOverviewSchema =
    R"({"type":"object","required":["queues","deadLetters"],"properties":{)"
    R"("queues":{"type":"array","items":{"type":"object","properties":{"queue":{"type":"string"},)"
    R"("pending":{"type":"integer","description":"waiting for a first attempt"},"running":{"type":"integer"},)"
    R"("done":{"type":"integer"},"failed":{"type":"integer","description":"failed, waiting for a retry"},)"
    R"("dead":{"type":"integer","description":"out of attempts"},)"
    R"("oldestPendingSeconds":{"type":"number","description":"age of the oldest job due to run"}}}},)"
    R"("deadLetters":{"type":"object","required":["data","meta"],"properties":{"data":{"type":"array","items":)"
    R"({"type":"object","properties":{"id":{"type":"string"},"queue":{"type":"string"},)"
    R"("payload":{"description":"as enqueued: parsed when it is JSON, else the text"},)"
    R"("attempts":{"type":"integer"},"lastError":{"type":"string"},"failedAt":{"type":"string","format":"date-time"}}}},)"
    R"("meta":{"type":"object","properties":{"page":{"type":"integer"},"limit":{"type":"integer"},)"
    R"("total":{"type":"integer"},"totalPages":{"type":"integer"}}}}}}})";

Json queueJson(const QueueStats& s) {
  return {{"queue", s.queue}, {"pending", s.pending}, {"running", s.running}, {"done", s.done},
          {"failed", s.failed}, {"dead", s.dead}, {"oldestPendingSeconds", s.oldestPendingSeconds}};
}

Json deadJobJson(const DeadJob& d) {
  Json payload = Json::parse(d.payload, nullptr, false);
  if (payload.is_discarded()) payload = d.payload;
  return {{"id", d.id}, {"queue", d.queue}, {"payload", std::move(payload)}, {"attempts", d.attempts},
          {"lastError", d.lastError}, {"failedAt", rfc3339(epochMs(d.failedAt))}};
}

}  // namespace

Json jobsOverview(const std::vector<QueueStats>& stats, const std::vector<DeadJob>& newest, std::string_view queue,
                  PageRequest page) {
  Json queues = Json::array();
  long long dead = 0;
  for (const QueueStats& s : stats) {
    if (!queue.empty() && s.queue != queue) continue;
    queues.push_back(queueJson(s));
    dead += s.dead;
  }
  Json data = Json::array();
  const std::size_t first = static_cast<std::size_t>(page.page - 1) * static_cast<std::size_t>(page.limit);
  for (std::size_t i = first; i < newest.size() && i < first + static_cast<std::size_t>(page.limit); ++i)
    data.push_back(deadJobJson(newest[i]));
  return {{"queues", std::move(queues)}, {"deadLetters", pageJson(std::move(data), page.page, page.limit, dead)}};
}

void JobsApi::registerRoutes(Routes& routes) {
  routes.get("/v1/admin/jobs", [this](Request& req) { return overview(req); },
             {.access = Access::Roles, .roles = {"admin"},
              .summary = "Job queues' counts and the dead letters, newest first",
              .description = "`queue` narrows both to one queue. The dead letters are paged from the newest " +
                             std::to_string(kMaxDeadLetters) +
                             " (of that queue, with `queue`); a page beyond them is 400 on `page`. Their `total` "
                             "counts every dead job of the queues shown.",
              .tag = kTag,
              .responseSchema = kOverviewSchema,
              .query = withPages({{.name = "queue", .description = "one queue, e.g. notifications.send"}})});
  routes.post("/v1/admin/jobs/:id/retry", [this](Request& req) { return retry(req); },
              {.access = Access::Roles, .roles = {"admin"}, .consumes = {},
               .summary = "Puts a dead job back to pending with fresh attempts",
               .description = "Audited as `job.retry` (entity `job`) with the job's queue, attempts and last error "
                              "when it is among the newest dead letters. 404 when no dead job has this id (a pending, "
                              "running or done job included).",
               .tag = kTag,
               .responseSchema = R"({"type":"object","required":["id","retried"],"properties":{)"
                                 R"("id":{"type":"string"},"retried":{"type":"boolean","enum":[true]}}})"});
}

Response JobsApi::overview(const Request& req) {
  QueryReader q(req, {"queue", "page", "limit"});
  const auto queue = q.text("queue", 100);
  if (queue && queue->empty()) q.fail("queue", "must not be empty");
  const PageRequest page = q.page();
  if (q.ok() && static_cast<long long>(page.page - 1) * page.limit >= kMaxDeadLetters)
    q.fail("page", "only the newest " + std::to_string(kMaxDeadLetters) +
                       " dead letters are listed; narrow them with queue");
  q.finish();
  const std::string name = queue.value_or("");
  const auto stats = jobs_.stats();
  const auto newest = jobs_.deadLetters(name, std::min(page.page * page.limit, kMaxDeadLetters));
  return jsonResponse(jobsOverview(stats, newest, name, page));
}

Response JobsApi::retry(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string id(req.requireParam("id"));
  // What the audit entry tells of the job, read while it is still dead.
  Json details = Json::object();
  for (const DeadJob& d : jobs_.deadLetters({}, kMaxDeadLetters))
    if (d.id == id) {
      details = {{"queue", d.queue}, {"attempts", d.attempts}, {"lastError", d.lastError}};
      break;
    }
  // Jobs::retry commits in a transaction of its own: the entry follows it.
  if (!jobs_.retry(id)) throw Problem::notFound("No dead job has this id.");
  db_.run([&](Tx& tx) { audit_.record(req.principal->id, "job.retry", "job", id, details.dump(), tx); });
  return jsonResponse({{"id", id}, {"retried", true}});
}

}  // namespace agape::admin
