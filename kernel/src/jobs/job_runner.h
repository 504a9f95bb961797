#pragma once
// Runs the jobs of the queues registered at provision: per queue, as many
// worker threads as its concurrency, which claim due jobs in batches and run
// their handlers; plus one scheduler thread that fires cron ticks. A job
// enqueued by this process wakes its queue at commit (Tx::afterCommit);
// jobs of other instances, due retries and lapsed leases are found by the
// scheduler, which looks every jobs.pollInterval which queues have a job
// due (one statement for all) and wakes them: an idle queue costs no
// statement of its own.
//
// Lifecycle: queues and schedules are registered during provision, then
// freeze(); start() after the plugins started; stop() before they stop:
// no more claims, in-flight jobs finish (waited for up to the grace period,
// then still joined: a handler cannot be cut short safely), claimed jobs
// not started are released for any instance to take.
//
// During a database outage (DbError Unavailable) workers and the scheduler
// pause with a back-off instead of polling, without logging each try (the
// pool logs the outage once), and a job's outcome that could not be
// recorded is recorded when the database is back rather than left to wait
// for its lease.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agape/clock.h"
#include "agape/db.h"
#include "agape/jobs.h"
#include "agape/metrics.h"
#include "config/kernel_config.h"
#include "jobs/cron.h"
#include "jobs/job_store.h"
#include "log/log.h"

namespace agape::kernel {

class JobRunner {
 public:
  JobRunner(Database& db, const Clock& clock, Metrics& metrics, JobsConfig config);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  JobStore& store() { return store_; }
  const std::string& workerId() const { return workerId_; }

  // ---- provision (before freeze)
  // Throws std::logic_error after freeze() or for a queue registered twice.
  void addQueue(const std::string& owner, const std::string& queue, JobHandler handler, QueueOptions options);
  // `cron` is the plugin's expression; jobs.schedules.<plugin>.<name> wins.
  // Throws std::invalid_argument for a bad expression.
  void addSchedule(const std::string& plugin, const std::string& name, const std::string& cron,
                   const std::string& queue, const std::string& payload);
  // Ends registration; warns about configuration naming unknown queues or schedules.
  void freeze();

  // ---- any time
  std::string enqueue(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options);
  std::string enqueue(std::string_view queue, std::string_view payload, const JobOptions& options);
  bool retry(std::string_view jobId);
  // Makes the queue's idle workers look for jobs now (no-op for a queue
  // this process does not run).
  void wake(const std::string& queue);

  // ---- running
  void start();
  void stop(std::chrono::milliseconds grace);
  bool running() const { return started_; }

  // Synchronous, on the calling thread (tests, benchmarks): claims and runs
  // every job due now in the registered queues whose names start with
  // `queuePrefix` (all by default) until none is left; returns how many ran.
  int runDue(std::string_view queuePrefix = {});
  // Synchronous: fires every due cron tick this instance knows; returns how
  // many it fired (ticks another instance took are not counted).
  int tickCron();
  // Synchronous: deletes finished jobs and events older than
  // jobs.retention (nothing when it is 0), in batches; returns the rows
  // deleted. The scheduler thread runs it every kPruneEvery.
  long long pruneFinished();
  static constexpr std::chrono::minutes kPruneEvery{10};
  // Synchronous: moves on the lease of every job this runner holds (claimed,
  // running or waiting for a worker) once half of it has passed, so a
  // handler that runs longer than its lease is not taken by another
  // instance; returns how many were renewed. The scheduler thread runs it
  // every poll interval.
  int renewLeases();
  // Writes every schedule's row (start() does this).
  void syncSchedules();

  // Prometheus families for the queue depth, from the last snapshot (no
  // query at scrape time, so /metrics never waits on the database).
  void renderMetrics(std::string& out);
  // Takes that snapshot; the scheduler thread does it every kStatsEvery.
  void refreshStats();
  // Wakes the queues with a job due now; the scheduler thread does it every
  // poll interval.
  void wakeDueQueues();
  // An idle queue's workers look once in this long even if nothing woke them.
  static constexpr std::chrono::seconds kIdleSafety{60};
  static constexpr std::chrono::seconds kStatsEvery{5};

 private:
  struct Queue;
  struct Schedule {
    JobStore::Schedule row;
    CronExpression cron;
  };

  void workerLoop(Queue& q);
  void schedulerLoop();
  // Runs `write` (recording a job's outcome) again after a pause while the
  // database is unavailable; rethrows other failures, or once stopping.
  void recordThroughOutage(const std::function<void()>& write);
  // Waits `pause` unless the runner stops first.
  void pauseUnlessStopping(std::chrono::milliseconds pause);
  // Runs one claimed job and records its outcome.
  void execute(Queue& q, const ClaimedJob& job);
  // Records a success; successes finishing while one is being written are
  // written together (group commit), which is what lets short jobs run
  // faster than one transaction each.
  void recordSuccess(Queue& q, const ClaimedJob& job);
  Queue* findQueue(const std::string& name);
  std::optional<std::chrono::system_clock::time_point> nextTick(const Schedule& s) const;

  Database& db_;
  const Clock& clock_;
  Metrics& metrics_;
  const JobsConfig config_;
  JobStore store_;
  const std::string workerId_;
  JsonLogger log_{"jobs"};

  std::map<std::string, std::unique_ptr<Queue>> queues_;
  std::map<std::pair<std::string, std::string>, Schedule> schedules_;
  bool frozen_ = false;

  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex schedulerMutex_;
  std::condition_variable schedulerCv_;

  // Jobs claimed here and not finished, by id, with the clock time (ms) at
  // which their lease is renewed next.
  struct Held {
    ClaimedJob job;
    std::chrono::milliseconds lease;
    long long renewAtMs;
  };
  void hold(const std::vector<ClaimedJob>& jobs, std::chrono::milliseconds lease);
  void unhold(long long jobId);
  std::mutex heldMutex_;
  std::map<long long, Held> held_;

  // In-flight handler count, to wait for them on stop.
  std::mutex activeMutex_;
  std::condition_variable activeCv_;
  int active_ = 0;

  std::mutex statsMutex_;
  std::optional<std::vector<QueueStats>> stats_;  // guarded by statsMutex_
};

}  // namespace agape::kernel
