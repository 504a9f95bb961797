// Jobs, events and a cron schedule for the end-to-end tests. Its tables come
// from migrations the tests write (test.jobs/<dialect>/0001_init.sql):
//   test_jobs_done (job_id PRIMARY KEY, queue, pid, reruns)  one row per successful job
//   test_jobs_started (job_id, attempt)         slow jobs, as they start
// Routes:
//   POST /v1/test/jobs?n=N      enqueues N jobs on test.fast in one transaction
//   POST /v1/test/jobs/slow?ms=M enqueues one job on test.slow that sleeps M ms
//   POST /v1/test/events?n=N    publishes N "test.ping" events in one transaction
// Every handler's success is the insert of its row; a job that runs again
// to completion (its first completion was lost, as a crash of the database
// between the two may do: handlers are idempotent) counts a rerun on it.
#include <agape/context.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/plugin.h>

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

void recordDone(agape::Database& db, const std::string& jobId, const std::string& queue) {
  db.run([&](agape::Tx& tx) {
    tx.exec("INSERT INTO test_jobs_done (job_id, queue, pid) VALUES (:id, :queue, :pid) "
            "ON CONFLICT (job_id) DO UPDATE SET reruns = test_jobs_done.reruns + 1",
            {{"id", jobId}, {"queue", queue}, {"pid", static_cast<long long>(getpid())}});
  });
}

int intQuery(agape::Request& req, const char* name, int fallback, int max) {
  auto v = req.query(name);
  int n = v ? std::stoi(std::string(*v)) : fallback;
  return std::max(1, std::min(n, max));
}

class JobsPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    agape::Database& db = ctx.db();
    agape::Jobs& jobs = ctx.jobs();
    jobs.handle("test.fast", [&db](const agape::Job& j) { recordDone(db, j.id, j.queue); }, {.concurrency = 4});
    jobs.handle("test.slow", [&db](const agape::Job& j) {
      db.run([&](agape::Tx& tx) {
        tx.exec("INSERT INTO test_jobs_started (job_id, attempt) VALUES (:id, :attempt)",
                {{"id", j.id}, {"attempt", j.attempt}});
      });
      const int ms = std::stoi(j.payload);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      recordDone(db, j.id, j.queue);
    }, {.concurrency = 1, .lease = std::chrono::seconds(3)});
    jobs.handle("test.tick", [&db](const agape::Job& j) { recordDone(db, j.id, j.queue); });
    jobs.schedule("tick", "* * * * *", "test.tick", "{}");
    ctx.events().subscribe("test.*", "pong", [&db](const agape::Event& e) { recordDone(db, e.id, "events.pong"); });

    ctx.routes().post("/v1/test/jobs", [&db, &jobs](agape::Request& req) {
      const int n = intQuery(req, "n", 1, 100'000);
      db.run([&](agape::Tx& tx) {
        for (int i = 0; i < n; ++i) jobs.enqueue("test.fast", "{\"i\":" + std::to_string(i) + "}", {}, tx);
      });
      return agape::Response::json("{\"enqueued\":" + std::to_string(n) + "}", 202);
    }, {.rateLimitClass = "none", .summary = "Enqueues N no-op jobs"});
    ctx.routes().post("/v1/test/jobs/slow", [&jobs](agape::Request& req) {
      const int ms = intQuery(req, "ms", 1000, 60'000);
      std::string id = jobs.enqueue("test.slow", std::to_string(ms));
      return agape::Response::json("{\"id\":\"" + id + "\"}", 202);
    }, {.rateLimitClass = "none", .summary = "Enqueues one slow job"});
    ctx.routes().post("/v1/test/events", [&db, &ctx](agape::Request& req) {
      const int n = intQuery(req, "n", 1, 10'000);
      db.run([&](agape::Tx& tx) {
        for (int i = 0; i < n; ++i) ctx.events().publish("test.ping", "{}", tx);
      });
      return agape::Response::json("{\"published\":" + std::to_string(n) + "}", 202);
    }, {.rateLimitClass = "none", .summary = "Publishes N events"});
  }
};

}  // namespace

AGAPE_PLUGIN(JobsPlugin, "test.jobs", "1.0.0")
