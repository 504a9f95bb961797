#pragma once
// Durable background jobs stored in the database, so a job is written in the
// same transaction as the business change that caused it and several server
// instances on one PostgreSQL share the work.

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agape/version.h"

namespace agape {

class Tx;

struct JobOptions {
  // Not before this time (UTC); now when empty.
  std::optional<std::chrono::system_clock::time_point> runAt;
  int maxAttempts = 5;
  // When set, a second enqueue with the same key (in the same queue) is a
  // no-op that returns the first job's id: at most one job per key.
  std::string idempotencyKey;
};

// One attempt at a job, as its handler sees it.
struct Job {
  std::string id;
  std::string queue;
  std::string payload;  // JSON text, as enqueued
  int attempt = 1;      // 1 on the first run
  int maxAttempts = 5;
  std::chrono::system_clock::time_point enqueuedAt;
};

// A handler returns normally for success and throws to fail the attempt;
// failures are retried with exponential backoff and jitter, and after
// maxAttempts the job is dead-lettered with its last error. Handlers run on
// job worker threads and may block. Because a worker can die after the work
// but before recording success, a job can run more than once: handlers must
// be idempotent.
using JobHandler = std::function<void(const Job&)>;

// Thrown by a handler when trying again cannot succeed (the payload itself is
// wrong): the job is dead-lettered at once with this message, whatever
// attempts remain.
struct AGAPE_API PermanentJobFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct QueueOptions {
  int concurrency = 1;  // parallel jobs of this queue per server instance (config may override)
  // How long a claimed job stays locked to its worker; a worker that dies
  // (kill -9) loses the job to another after this.
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
};

struct QueueStats {
  std::string queue;
  long long pending = 0;
  long long running = 0;
  long long done = 0;
  long long failed = 0;  // waiting for a retry
  long long dead = 0;
  double oldestPendingSeconds = 0;  // age of the oldest runnable pending job
};

struct DeadJob {
  std::string id;
  std::string queue;
  std::string payload;
  int attempts = 0;
  std::string lastError;
  std::chrono::system_clock::time_point failedAt;
};

class Jobs {
 public:
  virtual ~Jobs() = default;

  // Enqueues inside the caller's transaction: the job exists only if `tx`
  // commits. Returns the job id.
  virtual std::string enqueue(std::string_view queue, std::string_view payloadJson, const JobOptions& options,
                              Tx& tx) = 0;
  // Enqueues in a transaction of its own.
  virtual std::string enqueue(std::string_view queue, std::string_view payloadJson,
                              const JobOptions& options = {}) = 0;

  // Provision only: registers the handler of a queue this plugin owns.
  virtual void handle(std::string queue, JobHandler handler, QueueOptions options = {}) = 0;
  // Provision only: a 5-field cron expression in UTC ("*/5 * * * *") that
  // enqueues `payloadJson` on `queue` once per tick across all instances.
  // `name` is unique per plugin; `jobs.schedules.<plugin>.<name>` in the
  // config overrides the expression. Ticks missed while every instance was
  // down run once at start, not as a burst.
  virtual void schedule(std::string name, std::string cron, std::string queue, std::string payloadJson) = 0;

  virtual std::vector<QueueStats> stats() = 0;
  virtual std::vector<DeadJob> deadLetters(std::string_view queue = {}, int limit = 100) = 0;
  // Puts a dead job back to pending with a fresh attempt count; false when
  // no dead job has that id.
  virtual bool retry(std::string_view jobId) = 0;
};

}  // namespace agape
