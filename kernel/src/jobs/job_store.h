#pragma once
// The SQL of durable jobs and cron schedules over agape_jobs and agape_cron.
// Every statement is parameterised; times are epoch milliseconds of the
// injected clock, so a ManualClock drives claims, leases, retries and ticks.
//
// A job is claimable when it is pending and due (run_at <= now) or running
// with an expired lease: a claim stores the lease end in run_at too, so
// one index serves both. The claim is one UPDATE ... RETURNING over a
// sub-select that takes `FOR UPDATE SKIP LOCKED` row locks on PostgreSQL,
// so concurrent claimers (threads or servers) never take the same job and
// never wait on each other. SQLite's write transactions are serial
// (BEGIN IMMEDIATE), which gives the same guarantee within one database file.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/clock.h"
#include "agape/db.h"
#include "agape/jobs.h"

namespace agape::kernel {

struct ClaimedJob {
  long long id = 0;
  std::string queue;
  std::string payload;
  int attempt = 1;  // attempts including this one
  int maxAttempts = 1;
  long long createdAtMs = 0;
};

class JobStore {
 public:
  JobStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  long long nowMs() const;

  // Inside the caller's transaction. With an idempotency key already used in
  // this queue, inserts nothing and returns the existing job's id.
  long long enqueue(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options);
  // A job for work that already failed once elsewhere (an event's delivery
  // from the log): pending at options.runAt with `error` as its last, or
  // dead at once when `dead`. Same idempotency as enqueue.
  long long enqueueFailure(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options,
                           std::string_view error, bool dead);

  // Those of `queues` that have a job due now (pending and due, or running
  // with an expired lease): one statement for every queue, which is what
  // idle workers need instead of each polling its own.
  std::vector<std::string> dueQueues(const std::vector<std::string>& queues);

  // Claims up to `limit` due jobs of `queue` for `worker`, leased until now + lease.
  std::vector<ClaimedJob> claim(const std::string& queue, int limit, const std::string& worker,
                                std::chrono::milliseconds lease);

  // Each returns false when the job is no longer this worker's claim (its
  // lease expired and someone else took it, or an operator changed it).
  bool complete(const ClaimedJob& job, const std::string& worker);
  // Several at once (one statement); returns how many were still this worker's.
  long long completeAll(const std::vector<ClaimedJob>& jobs, const std::string& worker);
  // Pending again at `retryAt`, keeping the error.
  bool failForRetry(const ClaimedJob& job, const std::string& worker, const std::string& error, long long retryAtMs);
  bool failDead(const ClaimedJob& job, const std::string& worker, const std::string& error);
  // Claimed but never started (shutdown): pending again now, the attempt not counted.
  bool release(const ClaimedJob& job, const std::string& worker);
  // Still running here: the lease moves on to `untilMs`.
  bool renew(const ClaimedJob& job, const std::string& worker, long long untilMs);

  // Per queue; without `countDone`, done is 0 and the finished jobs kept
  // for jobs.retention are not read (what /metrics needs, every few seconds).
  std::vector<QueueStats> stats(bool countDone = true);
  std::vector<DeadJob> deadLetters(std::string_view queue, int limit);
  bool retryDead(std::string_view jobId);

  // Deletes up to `limit` finished jobs last changed before `cutoffMs`, and
  // up to `limit` events that occurred before it and that every
  // subscriber's cursor has passed (a retry job carries the whole event, so
  // it never needs the row). Returns the rows deleted.
  struct Pruned {
    long long jobs = 0, events = 0;
  };
  Pruned prune(long long cutoffMs, long long limit);

  // ---- cron
  struct Schedule {
    std::string plugin, name, expression, queue, payload;
  };
  // Creates or updates the schedule's row. A new or changed schedule's next
  // tick is `nextMs`; an unchanged one keeps its own (possibly past, which
  // makes a tick missed while down fire once).
  void upsertSchedule(const Schedule& schedule, long long nextMs);
  // The schedules (of any instance) whose tick is due.
  struct DueTick {
    std::string plugin, name;
    long long dueMs;
  };
  std::vector<DueTick> dueTicks();
  // Moves the schedule from `dueMs` to `nextMs` and enqueues its job, in one
  // transaction; false when another instance took this tick first.
  bool fireTick(const Schedule& schedule, long long dueMs, long long nextMs);
  // Makes the schedule's next tick now, so that a running instance fires it
  // (once, like any tick) within jobs.pollInterval and then goes on from the
  // next tick after now; false when no instance has declared it.
  bool dueNow(const std::string& plugin, const std::string& name);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace agape::kernel
