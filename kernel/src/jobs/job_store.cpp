#include "jobs/job_store.h"

#include <algorithm>
#include <charconv>

namespace agape::kernel {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

long long toMs(std::chrono::system_clock::time_point t) {
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

constexpr const char* kClaimPg =
    "WITH picked AS MATERIALIZED ("
    "  SELECT id FROM agape_jobs"
    "  WHERE queue = :queue AND status IN ('pending', 'running') AND run_at <= :now"
    "  ORDER BY run_at, id LIMIT :limit FOR UPDATE SKIP LOCKED) "
    "UPDATE agape_jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = :worker,"
    "  locked_until = :until, run_at = :until, updated_at = :now "
    "FROM picked WHERE j.id = picked.id "
    "RETURNING j.id, j.queue, j.payload, j.attempts, j.max_attempts, j.created_at";

constexpr const char* kClaimSqlite =
    "UPDATE agape_jobs SET status = 'running', attempts = attempts + 1, locked_by = :worker,"
    "  locked_until = :until, run_at = :until, updated_at = :now "
    "WHERE id IN (SELECT id FROM agape_jobs"
    "  WHERE queue = :queue AND status IN ('pending', 'running') AND run_at <= :now"
    "  ORDER BY run_at, id LIMIT :limit) "
    "RETURNING id, queue, payload, attempts, max_attempts, created_at";

// Which claim a statement applies to: this worker's, at this attempt.
constexpr const char* kMine = " WHERE id = :id AND status = 'running' AND locked_by = :worker AND attempts = :attempt";

}  // namespace

long long JobStore::nowMs() const { return toMs(clock_.now()); }

long long JobStore::enqueue(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options) {
  const long long now = nowMs();
  const long long runAt = options.runAt ? std::max(now, toMs(*options.runAt)) : now;
  const Value key = options.idempotencyKey.empty() ? Value() : Value(options.idempotencyKey);
  auto row = tx.one(
      "INSERT INTO agape_jobs (queue, payload, status, attempts, max_attempts, run_at, idempotency_key, created_at,"
      " updated_at) VALUES (:queue, :payload, 'pending', 0, :max, :run_at, :key, :now, :now) "
      "ON CONFLICT (queue, idempotency_key) DO NOTHING RETURNING id",
      {{"queue", queue}, {"payload", payload}, {"max", std::max(1, options.maxAttempts)}, {"run_at", runAt},
       {"key", key}, {"now", now}});
  if (row) return row->integer("id");
  auto existing = tx.one("SELECT id FROM agape_jobs WHERE queue = :queue AND idempotency_key = :key",
                         {{"queue", queue}, {"key", options.idempotencyKey}});
  if (!existing) throw DbError(DbError::Kind::Retryable, "idempotent job vanished while enqueueing; retrying");
  return existing->integer("id");
}

long long JobStore::enqueueFailure(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options,
                                   std::string_view error, bool dead) {
  const long long now = nowMs();
  const long long runAt = options.runAt ? std::max(now, toMs(*options.runAt)) : now;
  auto row = tx.one(
      "INSERT INTO agape_jobs (queue, payload, status, attempts, max_attempts, run_at, idempotency_key, last_error,"
      " created_at, updated_at) VALUES (:queue, :payload, :status, :attempts, :max, :run_at, :key, :error, :now, :now) "
      "ON CONFLICT (queue, idempotency_key) DO NOTHING RETURNING id",
      {{"queue", queue}, {"payload", payload}, {"status", dead ? "dead" : "pending"}, {"attempts", dead ? 1 : 0},
       {"max", std::max(1, options.maxAttempts)}, {"run_at", runAt},
       {"key", options.idempotencyKey.empty() ? Value() : Value(options.idempotencyKey)}, {"error", error},
       {"now", now}});
  if (row) return row->integer("id");
  auto existing = tx.one("SELECT id FROM agape_jobs WHERE queue = :queue AND idempotency_key = :key",
                         {{"queue", queue}, {"key", options.idempotencyKey}});
  if (!existing) throw DbError(DbError::Kind::Retryable, "idempotent job vanished while enqueueing; retrying");
  return existing->integer("id");
}

std::vector<std::string> JobStore::dueQueues(const std::vector<std::string>& queues) {
  std::vector<std::string> due;
  if (queues.empty()) return due;
  Params params{{"now", nowMs()}};
  std::string names;
  for (std::size_t i = 0; i < queues.size(); ++i) {
    const std::string n = "q" + std::to_string(i);
    names += std::string(i ? ", " : "") + "(CAST(:" + n + " AS TEXT))";
    params.emplace_back(n, queues[i]);
  }
  return db_.read([&](Tx& tx) {
    for (const Row& r : tx.query("WITH w (q) AS (VALUES " + names + ") SELECT q FROM w WHERE EXISTS (SELECT 1 FROM"
                                 " agape_jobs j WHERE j.queue = w.q AND j.status IN ('pending', 'running')"
                                 " AND j.run_at <= :now)",
                                 params))
      due.push_back(r.text("q"));
    return due;
  });
}

std::vector<ClaimedJob> JobStore::claim(const std::string& queue, int limit, const std::string& worker,
                                        milliseconds lease) {
  return db_.run([&](Tx& tx) {
    const long long now = nowMs();
    const long long until = now + lease.count();
    std::vector<Row> rows =
        tx.query(tx.dialect() == Dialect::Postgres ? kClaimPg : kClaimSqlite,
                 {{"queue", queue}, {"now", now}, {"limit", limit}, {"worker", worker}, {"until", until}});
    std::vector<ClaimedJob> out;
    out.reserve(rows.size());
    for (const Row& r : rows)
      out.push_back(ClaimedJob{r.integer("id"), r.text("queue"), r.text("payload"),
                               static_cast<int>(r.integer("attempts")), static_cast<int>(r.integer("max_attempts")),
                               r.integer("created_at")});
    std::sort(out.begin(), out.end(), [](const ClaimedJob& a, const ClaimedJob& b) { return a.id < b.id; });
    return out;
  });
}

bool JobStore::complete(const ClaimedJob& job, const std::string& worker) {
  return db_.run([&](Tx& tx) {
    return tx.exec(std::string("UPDATE agape_jobs SET status = 'done', locked_by = NULL, locked_until = NULL,"
                               " updated_at = :now") + kMine,
                   {{"now", nowMs()}, {"id", job.id}, {"worker", worker}, {"attempt", job.attempt}}) == 1;
  });
}

long long JobStore::completeAll(const std::vector<ClaimedJob>& jobs, const std::string& worker) {
  if (jobs.empty()) return 0;
  // (id, attempts) pairs as parameters; the placeholders are generated,
  // never the values.
  std::string sql = "UPDATE agape_jobs SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = :now"
                    " WHERE status = 'running' AND locked_by = :worker AND (";
  Params params{{"now", nowMs()}, {"worker", worker}};
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const std::string n = std::to_string(i);
    sql += (i ? " OR " : "") + std::string("(id = :id") + n + " AND attempts = :attempt" + n + ")";
    params.emplace_back("id" + n, jobs[i].id);
    params.emplace_back("attempt" + n, jobs[i].attempt);
  }
  sql += ")";
  return db_.run([&](Tx& tx) { return tx.exec(sql, params); });
}

bool JobStore::failForRetry(const ClaimedJob& job, const std::string& worker, const std::string& error,
                            long long retryAtMs) {
  return db_.run([&](Tx& tx) {
    return tx.exec(std::string("UPDATE agape_jobs SET status = 'pending', run_at = :run_at, locked_by = NULL,"
                               " locked_until = NULL, last_error = :error, updated_at = :now") + kMine,
                   {{"run_at", retryAtMs}, {"error", error}, {"now", nowMs()}, {"id", job.id},
                    {"worker", worker}, {"attempt", job.attempt}}) == 1;
  });
}

bool JobStore::failDead(const ClaimedJob& job, const std::string& worker, const std::string& error) {
  return db_.run([&](Tx& tx) {
    return tx.exec(std::string("UPDATE agape_jobs SET status = 'dead', locked_by = NULL, locked_until = NULL,"
                               " last_error = :error, updated_at = :now") + kMine,
                   {{"error", error}, {"now", nowMs()}, {"id", job.id}, {"worker", worker},
                    {"attempt", job.attempt}}) == 1;
  });
}

bool JobStore::release(const ClaimedJob& job, const std::string& worker) {
  return db_.run([&](Tx& tx) {
    const long long now = nowMs();
    return tx.exec(std::string("UPDATE agape_jobs SET status = 'pending', attempts = attempts - 1, run_at = :now,"
                               " locked_by = NULL, locked_until = NULL, updated_at = :now") + kMine,
                   {{"now", now}, {"id", job.id}, {"worker", worker}, {"attempt", job.attempt}}) == 1;
  });
}

bool JobStore::renew(const ClaimedJob& job, const std::string& worker, long long untilMs) {
  return db_.run([&](Tx& tx) {
    // run_at follows locked_until: a running job is claimable again from then.
    return tx.exec(std::string("UPDATE agape_jobs SET locked_until = :until, run_at = :until, updated_at = :now") +
                       kMine,
                   {{"until", untilMs}, {"now", nowMs()}, {"id", job.id}, {"worker", worker},
                    {"attempt", job.attempt}}) == 1;
  });
}

std::vector<QueueStats> JobStore::stats(bool countDone) {
  // Without the done jobs the count reads the agape_jobs_open index only,
  // however many finished jobs jobs.retention keeps.
  static const std::string kCount =
      "SELECT queue,"
      " SUM(CASE WHEN status = 'pending' AND attempts = 0 THEN 1 ELSE 0 END) AS pending,"
      " SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,"
      " SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done,"
      " SUM(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 ELSE 0 END) AS failed,"
      " SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead,"
      " MIN(CASE WHEN status = 'pending' AND run_at <= :now THEN run_at END) AS oldest "
      "FROM agape_jobs";
  static const std::string kAll = kCount + " GROUP BY queue ORDER BY queue";
  static const std::string kOpen = kCount + " WHERE status <> 'done' GROUP BY queue ORDER BY queue";
  return db_.read([&](Tx& tx) {
    const long long now = nowMs();
    std::vector<QueueStats> out;
    for (const Row& r : tx.query(countDone ? kAll : kOpen, {{"now", now}})) {
      QueueStats s;
      s.queue = r.text("queue");
      s.pending = r.integer("pending");
      s.running = r.integer("running");
      s.done = r.integer("done");
      s.failed = r.integer("failed");
      s.dead = r.integer("dead");
      if (auto oldest = r.optInteger("oldest")) s.oldestPendingSeconds = static_cast<double>(now - *oldest) / 1000.0;
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::vector<DeadJob> JobStore::deadLetters(std::string_view queue, int limit) {
  return db_.read([&](Tx& tx) {
    const int n = std::clamp(limit, 1, 10'000);
    std::vector<Row> rows =
        queue.empty()
            ? tx.query("SELECT id, queue, payload, attempts, last_error, updated_at FROM agape_jobs"
                       " WHERE status = 'dead' ORDER BY updated_at DESC, id DESC LIMIT :limit",
                       {{"limit", n}})
            : tx.query("SELECT id, queue, payload, attempts, last_error, updated_at FROM agape_jobs"
                       " WHERE status = 'dead' AND queue = :queue ORDER BY updated_at DESC, id DESC LIMIT :limit",
                       {{"queue", queue}, {"limit", n}});
    std::vector<DeadJob> out;
    for (const Row& r : rows)
      out.push_back(DeadJob{r.text("id"), r.text("queue"), r.text("payload"), static_cast<int>(r.integer("attempts")),
                            r.optText("last_error").value_or(""), fromMs(r.integer("updated_at"))});
    return out;
  });
}

bool JobStore::retryDead(std::string_view jobId) {
  long long id = 0;
  auto [end, ec] = std::from_chars(jobId.data(), jobId.data() + jobId.size(), id);
  if (ec != std::errc() || end != jobId.data() + jobId.size()) return false;
  return db_.run([&](Tx& tx) {
    const long long now = nowMs();
    return tx.exec("UPDATE agape_jobs SET status = 'pending', attempts = 0, run_at = :now, updated_at = :now"
                   " WHERE id = :id AND status = 'dead'",
                   {{"now", now}, {"id", id}}) == 1;
  });
}

void JobStore::upsertSchedule(const Schedule& s, long long nextMs) {
  db_.run([&](Tx& tx) {
    auto row = tx.one("SELECT expression, queue, payload FROM agape_cron WHERE plugin = :plugin AND name = :name",
                      {{"plugin", s.plugin}, {"name", s.name}});
    if (!row) {
      tx.exec("INSERT INTO agape_cron (plugin, name, expression, queue, payload, next_run_at, updated_at)"
              " VALUES (:plugin, :name, :expression, :queue, :payload, :next, :now)"
              " ON CONFLICT (plugin, name) DO NOTHING",
              {{"plugin", s.plugin}, {"name", s.name}, {"expression", s.expression}, {"queue", s.queue},
               {"payload", s.payload}, {"next", nextMs}, {"now", nowMs()}});
      return;
    }
    if (row->text("expression") == s.expression && row->text("queue") == s.queue && row->text("payload") == s.payload)
      return;
    tx.exec("UPDATE agape_cron SET expression = :expression, queue = :queue, payload = :payload, next_run_at = :next,"
            " updated_at = :now WHERE plugin = :plugin AND name = :name",
            {{"expression", s.expression}, {"queue", s.queue}, {"payload", s.payload}, {"next", nextMs},
             {"now", nowMs()}, {"plugin", s.plugin}, {"name", s.name}});
  });
}

std::vector<JobStore::DueTick> JobStore::dueTicks() {
  return db_.read([&](Tx& tx) {
    std::vector<DueTick> out;
    for (const Row& r : tx.query("SELECT plugin, name, next_run_at FROM agape_cron WHERE next_run_at <= :now",
                                 {{"now", nowMs()}}))
      out.push_back(DueTick{r.text("plugin"), r.text("name"), r.integer("next_run_at")});
    return out;
  });
}

bool JobStore::fireTick(const Schedule& s, long long dueMs, long long nextMs) {
  return db_.run([&](Tx& tx) {
    // The conditional update is the claim: of all instances that saw this
    // tick due, exactly one moves next_run_at away from it.
    if (tx.exec("UPDATE agape_cron SET next_run_at = :next, last_run_at = :due, updated_at = :now"
                " WHERE plugin = :plugin AND name = :name AND next_run_at = :due",
                {{"next", nextMs}, {"due", dueMs}, {"now", nowMs()}, {"plugin", s.plugin},
                 {"name", s.name}}) != 1)
      return false;
    JobOptions options;
    options.idempotencyKey = "cron:" + s.plugin + "/" + s.name + "@" + std::to_string(dueMs);
    enqueue(tx, s.queue, s.payload, options);
    return true;
  });
}

bool JobStore::dueNow(const std::string& plugin, const std::string& name) {
  return db_.run([&](Tx& tx) {
    const long long now = nowMs();
    return tx.exec("UPDATE agape_cron SET next_run_at = :now, updated_at = :now WHERE plugin = :plugin AND name = :name",
                   {{"now", now}, {"plugin", plugin}, {"name", name}}) == 1;
  });
}

JobStore::Pruned JobStore::prune(long long cutoffMs, long long limit) {
  Pruned out;
  db_.run([&](Tx& tx) {
    out.jobs = tx.exec(
        "DELETE FROM agape_jobs WHERE id IN (SELECT id FROM agape_jobs WHERE status = 'done' AND updated_at < :cutoff "
        "ORDER BY updated_at LIMIT :n)",
        {{"cutoff", cutoffMs}, {"n", limit}});
    out.events = tx.exec(
        "DELETE FROM agape_events WHERE id IN (SELECT e.id FROM agape_events e WHERE e.occurred_at < :cutoff"
        " AND NOT EXISTS (SELECT 1 FROM agape_event_cursors c WHERE (c.tx, c.seq) <= (e.tx, e.seq))"
        " ORDER BY e.occurred_at LIMIT :n)",
        {{"cutoff", cutoffMs}, {"n", limit}});
  });
  return out;
}

}  // namespace agape::kernel
