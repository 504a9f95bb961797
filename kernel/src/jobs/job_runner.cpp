#include "jobs/job_runner.h"

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "db/db_errors.h"
#include "jobs/retry_backoff.h"
#include "metrics/registry.h"

namespace agape::kernel {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorLength = 2000;
constexpr int kRunDueBatch = 64;

long long toMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

// Unique among the instances sharing a database: host, process and a random
// part (pids repeat across containers).
std::string makeWorkerId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += kHex[rng() % 16];
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

std::string truncated(std::string s) {
  if (s.size() > kMaxErrorLength) s.resize(kMaxErrorLength);
  return s;
}

}  // namespace

struct JobRunner::Queue {
  std::string name;
  std::string owner;
  JobHandler handler;
  int concurrency = 1;
  milliseconds lease{0};
  Counter* succeeded = nullptr;
  Counter* retried = nullptr;
  Counter* dead = nullptr;
  Histogram* duration = nullptr;

  std::mutex mutex;
  std::condition_variable cv;
  std::deque<ClaimedJob> buffer;  // claimed, not started yet
  std::vector<ClaimedJob> unrecorded;  // done, not recorded yet
  bool recording = false;              // a worker is writing successes
  bool fetching = false;          // one worker claims for all
  Steady::time_point idleUntil{};  // after an empty claim: poll again then...
  unsigned long long wakeSeq = 0;  // ...unless woken since
  unsigned long long idleSeq = 0;
  milliseconds outagePause{0};     // growing while claims find the database unavailable
};

JobRunner::JobRunner(Database& db, const Clock& clock, Metrics& metrics, JobsConfig config)
    : db_(db), clock_(clock), metrics_(metrics), config_(std::move(config)), store_(db, clock), workerId_(makeWorkerId()) {}

JobRunner::~JobRunner() {
  if (started_) stop(milliseconds(0));
}

void JobRunner::addQueue(const std::string& owner, const std::string& queue, JobHandler handler,
                         QueueOptions options) {
  if (frozen_) throw std::logic_error("job queue \"" + queue + "\": handlers can only be registered during provision");
  if (queue.empty()) throw std::invalid_argument("a job queue needs a name");
  if (!handler) throw std::invalid_argument("job queue \"" + queue + "\": the handler is empty");
  if (auto it = queues_.find(queue); it != queues_.end())
    throw std::logic_error("job queue \"" + queue + "\" already has a handler (registered by " + it->second->owner + ")");
  auto q = std::make_unique<Queue>();
  q->name = queue;
  q->owner = owner;
  q->handler = std::move(handler);
  q->concurrency = std::max(1, options.concurrency);
  q->lease = std::max(milliseconds(1000), options.lease);
  if (auto c = config_.queues.find(queue); c != config_.queues.end()) {
    if (c->second.concurrency > 0) q->concurrency = c->second.concurrency;
    if (c->second.lease.count() > 0) q->lease = c->second.lease;
  }
  const std::string processed = "agape_jobs_processed_total";
  const std::string processedHelp = "Job attempts finished, by queue and outcome (success, retry, dead).";
  q->succeeded = &metrics_.counter(processed, processedHelp, {{"queue", queue}, {"outcome", "success"}});
  q->retried = &metrics_.counter(processed, processedHelp, {{"queue", queue}, {"outcome", "retry"}});
  q->dead = &metrics_.counter(processed, processedHelp, {{"queue", queue}, {"outcome", "dead"}});
  q->duration = &metrics_.histogram("agape_job_duration_seconds", "Time spent in job handlers.", {},
                                    {{"queue", queue}});
  queues_.emplace(queue, std::move(q));
}

void JobRunner::addSchedule(const std::string& plugin, const std::string& name, const std::string& cron,
                            const std::string& queue, const std::string& payload) {
  if (frozen_) throw std::logic_error("schedule \"" + name + "\": schedules can only be declared during provision");
  if (name.empty() || queue.empty()) throw std::invalid_argument("a schedule needs a name and a queue");
  if (!nlohmann::json::accept(payload))
    throw std::invalid_argument("schedule \"" + name + "\": the payload is not JSON");
  std::string expression = cron;
  if (auto p = config_.schedules.find(plugin); p != config_.schedules.end())
    if (auto e = p->second.find(name); e != p->second.end()) expression = e->second;
  CronExpression parsed = [&] {
    try {
      return CronExpression::parse(expression);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("schedule \"" + plugin + "." + name + "\": " + e.what());
    }
  }();
  if (!parsed.next(clock_.now()))
    throw std::invalid_argument("schedule \"" + plugin + "." + name + "\": \"" + expression + "\" never matches");
  auto [it, inserted] = schedules_.try_emplace({plugin, name}, Schedule{{plugin, name, expression, queue, payload}, parsed});
  if (!inserted) throw std::logic_error("schedule \"" + name + "\" of plugin " + plugin + " is declared twice");
}

void JobRunner::freeze() {
  frozen_ = true;
  for (const auto& [queue, c] : config_.queues)
    if (!queues_.count(queue)) log_.warn("jobs.queues names a queue no plugin handles", {{"queue", queue}});
  for (const auto& [plugin, names] : config_.schedules)
    for (const auto& [name, expr] : names)
      if (!schedules_.count({plugin, name}))
        log_.warn("jobs.schedules names a schedule no plugin declares", {{"plugin", plugin}, {"name", name}});
}

JobRunner::Queue* JobRunner::findQueue(const std::string& name) {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second.get();
}

std::string JobRunner::enqueue(Tx& tx, std::string_view queue, std::string_view payload, const JobOptions& options) {
  if (queue.empty()) throw std::invalid_argument("enqueue: the queue name is empty");
  if (!nlohmann::json::accept(payload)) throw std::invalid_argument("enqueue: the payload is not JSON");
  const long long id = store_.enqueue(tx, queue, payload, options);
  tx.afterCommit([this, q = std::string(queue)] { wake(q); });
  return std::to_string(id);
}

std::string JobRunner::enqueue(std::string_view queue, std::string_view payload, const JobOptions& options) {
  return db_.run([&](Tx& tx) { return enqueue(tx, queue, payload, options); });
}

bool JobRunner::retry(std::string_view jobId) {
  if (!store_.retryDead(jobId)) return false;
  for (auto& [name, q] : queues_) wake(name);
  return true;
}

void JobRunner::wake(const std::string& queue) {
  Queue* q = findQueue(queue);
  if (!q) return;
  {
    std::lock_guard lock(q->mutex);
    ++q->wakeSeq;
  }
  q->cv.notify_all();
}

void JobRunner::start() {
  if (started_) return;
  syncSchedules();
  stopping_ = false;
  started_ = true;
  for (auto& [name, q] : queues_)
    for (int i = 0; i < q->concurrency; ++i) threads_.emplace_back([this, qp = q.get()] { workerLoop(*qp); });
  // Cron, retention and the leases of running jobs.
  if (!queues_.empty() || !schedules_.empty() || config_.retention.count() > 0)
    threads_.emplace_back([this] { schedulerLoop(); });
  log_.info("job runner started", {{"worker", workerId_},
                                   {"queues", std::to_string(queues_.size())},
                                   {"schedules", std::to_string(schedules_.size())},
                                   {"threads", std::to_string(threads_.size())}});
}

void JobRunner::stop(milliseconds grace) {
  if (!started_) return;
  stopping_ = true;
  for (auto& [name, q] : queues_) {
    { std::lock_guard lock(q->mutex); }  // a worker between its check and its wait sees stopping_ now
    q->cv.notify_all();
  }
  {
    std::lock_guard lock(schedulerMutex_);
  }
  schedulerCv_.notify_all();
  {
    std::unique_lock lock(activeMutex_);
    if (!activeCv_.wait_for(lock, grace, [&] { return active_ == 0; }))
      log_.warn("jobs still running after the shutdown grace period; waiting for them",
                {{"running", std::to_string(active_)}});
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  int released = 0;
  for (auto& [name, q] : queues_) {
    for (const ClaimedJob& job : q->buffer) {
      unhold(job.id);
      try {
        if (store_.release(job, workerId_)) ++released;
      } catch (const std::exception& e) {
        log_.warn("could not release a claimed job; it is taken again when its lease ends",
                  {{"job", std::to_string(job.id)}, {"error", e.what()}});
      }
    }
    q->buffer.clear();
  }
  started_ = false;
  log_.info("job runner stopped", {{"released", std::to_string(released)}});
}

void JobRunner::workerLoop(Queue& q) {
  std::unique_lock lock(q.mutex);
  while (!stopping_) {
    if (!q.buffer.empty()) {
      ClaimedJob job = std::move(q.buffer.front());
      q.buffer.pop_front();
      lock.unlock();
      execute(q, job);
      lock.lock();
      continue;
    }
    if (q.fetching) {
      q.cv.wait(lock);
      continue;
    }
    if (Steady::now() < q.idleUntil && q.wakeSeq == q.idleSeq) {
      q.cv.wait_until(lock, q.idleUntil);
      continue;
    }
    q.fetching = true;
    const unsigned long long seq = q.wakeSeq;
    lock.unlock();
    std::vector<ClaimedJob> claimed;
    milliseconds pause{0};
    try {
      claimed = store_.claim(q.name, q.concurrency, workerId_, q.lease);
    } catch (const std::exception& e) {
      if (databaseUnavailable(e))
        pause = nextOutagePause(q.outagePause);
      else
        log_.warn("claiming jobs failed; trying again after the poll interval", {{"queue", q.name}, {"error", e.what()}});
    }
    hold(claimed, q.lease);
    lock.lock();
    q.fetching = false;
    q.outagePause = pause;
    if (claimed.empty()) {
      // Idle until woken: by an enqueue here, or by the scheduler finding
      // the queue due (jobs of other instances, retries, lapsed leases).
      // After an outage the claim is tried again itself.
      q.idleUntil = Steady::now() + (pause.count() > 0 ? pause : kIdleSafety);
      q.idleSeq = seq;  // a wake-up that came during the claim makes the next look immediate
    }
    for (auto& job : claimed) q.buffer.push_back(std::move(job));
    q.cv.notify_all();
  }
}

void JobRunner::execute(Queue& q, const ClaimedJob& claimed) {
  {
    std::lock_guard lock(activeMutex_);
    ++active_;
  }
  struct Done {
    JobRunner* self;
    long long jobId;
    ~Done() {
      self->unhold(jobId);
      {
        std::lock_guard lock(self->activeMutex_);
        --self->active_;
      }
      self->activeCv_.notify_all();
    }
  } done{this, claimed.id};

  const std::string id = std::to_string(claimed.id);
  try {
    if (claimed.attempt > claimed.maxAttempts) {
      // Its last attempt's worker died (lease expired): nothing left to try.
      recordThroughOutage([&] {
        store_.failDead(claimed, workerId_, "the worker running the last attempt stopped before finishing (lease expired)");
      });
      q.dead->inc();
      log_.error("job dead-lettered", {{"queue", q.name}, {"job", id}, {"reason", "lease expired on the last attempt"}});
      return;
    }
    Job job{id, q.name, claimed.payload, claimed.attempt, claimed.maxAttempts, fromMs(claimed.createdAtMs)};
    std::string error;
    bool permanent = false;  // retrying cannot help: dead-lettered now
    const auto t0 = Steady::now();
    try {
      q.handler(job);
    } catch (const PermanentJobFailure& e) {
      error = e.what();
      if (error.empty()) error = "permanent failure without a message";
      permanent = true;
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "exception without a message";
    } catch (...) {
      error = "non-standard exception";
    }
    q.duration->observe(std::chrono::duration<double>(Steady::now() - t0).count());
    if (error.empty()) {
      recordSuccess(q, claimed);
      q.succeeded->inc();
    } else if (permanent || claimed.attempt >= claimed.maxAttempts) {
      recordThroughOutage([&] { store_.failDead(claimed, workerId_, truncated(error)); });
      q.dead->inc();
      log_.error("job dead-lettered", {{"queue", q.name}, {"job", id}, {"attempts", std::to_string(claimed.attempt)},
                                        {"error", error}});
    } else {
      const milliseconds delay = randomRetryDelay(claimed.attempt);
      recordThroughOutage([&] { store_.failForRetry(claimed, workerId_, truncated(error), store_.nowMs() + delay.count()); });
      q.retried->inc();
      log_.warn("job failed; retrying", {{"queue", q.name}, {"job", id}, {"attempt", std::to_string(claimed.attempt)},
                                         {"retryInMs", std::to_string(delay.count())}, {"error", error}});
    }
  } catch (const std::exception& e) {
    // The database failed while recording the outcome: the claim stays and
    // the job runs again when its lease ends (at least once).
    log_.error("could not record a job's outcome; it runs again after its lease",
               {{"queue", q.name}, {"job", id}, {"error", e.what()}});
  }
}

void JobRunner::recordSuccess(Queue& q, const ClaimedJob& job) {
  std::unique_lock lock(q.mutex);
  q.unrecorded.push_back(job);
  if (q.recording) return;  // the worker writing now takes this one in its next round
  q.recording = true;
  while (!q.unrecorded.empty()) {
    std::vector<ClaimedJob> batch;
    batch.swap(q.unrecorded);
    lock.unlock();
    try {
      long long recorded = 0;
      recordThroughOutage([&] { recorded = store_.completeAll(batch, workerId_); });
      if (recorded < static_cast<long long>(batch.size()))
        log_.warn("jobs finished after losing their claim (lease expired); they may run again",
                  {{"queue", q.name}, {"count", std::to_string(batch.size() - recorded)}});
    } catch (const std::exception& e) {
      log_.error("could not record finished jobs; they run again after their lease",
                 {{"queue", q.name}, {"count", std::to_string(batch.size())}, {"error", e.what()}});
    }
    lock.lock();
  }
  q.recording = false;
}

void JobRunner::recordThroughOutage(const std::function<void()>& write) {
  for (milliseconds pause = nextOutagePause({});; pause = nextOutagePause(pause)) {
    try {
      write();
      return;
    } catch (const std::exception& e) {
      if (!databaseUnavailable(e) || stopping_ || !started_) throw;
    }
    pauseUnlessStopping(pause);
  }
}

void JobRunner::pauseUnlessStopping(milliseconds pause) {
  std::unique_lock lock(schedulerMutex_);
  schedulerCv_.wait_for(lock, pause, [&] { return stopping_.load(); });
}

int JobRunner::runDue(std::string_view queuePrefix) {
  int ran = 0;
  for (auto& [name, q] : queues_) {
    if (name.compare(0, queuePrefix.size(), queuePrefix) != 0) continue;
    for (;;) {
      auto claimed = store_.claim(name, kRunDueBatch, workerId_, q->lease);
      if (claimed.empty()) break;
      hold(claimed, q->lease);
      for (const auto& job : claimed) {
        execute(*q, job);
        ++ran;
      }
    }
  }
  return ran;
}

std::optional<std::chrono::system_clock::time_point> JobRunner::nextTick(const Schedule& s) const {
  return s.cron.next(clock_.now());
}

void JobRunner::syncSchedules() {
  for (const auto& [key, s] : schedules_) {
    auto next = nextTick(s);
    if (next) store_.upsertSchedule(s.row, toMs(*next));
  }
}

int JobRunner::tickCron() {
  if (schedules_.empty()) return 0;
  int fired = 0;
  for (const auto& due : store_.dueTicks()) {
    auto it = schedules_.find({due.plugin, due.name});
    if (it == schedules_.end()) continue;  // another instance's, or removed
    // The next tick counts from now, not from the due one: ticks missed
    // while no instance ran collapse into this one.
    auto next = nextTick(it->second);
    if (!next) continue;
    if (store_.fireTick(it->second.row, due.dueMs, toMs(*next))) {
      ++fired;
      wake(it->second.row.queue);
      log_.info("cron tick", {{"plugin", due.plugin}, {"name", due.name}, {"queue", it->second.row.queue}});
    }
  }
  return fired;
}

long long JobRunner::pruneFinished() {
  if (config_.retention.count() == 0) return 0;
  constexpr long long kBatch = 1000, kMaxBatches = 50;  // at most 50,000 of each per pass
  const long long cutoff = store_.nowMs() - config_.retention.count();
  long long jobs = 0, events = 0;
  for (long long i = 0; i < kMaxBatches; ++i) {
    const auto p = store_.prune(cutoff, kBatch);
    jobs += p.jobs;
    events += p.events;
    if (p.jobs < kBatch && p.events < kBatch) break;
  }
  if (jobs + events > 0)
    log_.info("pruned finished jobs and old events",
              {{"jobs", std::to_string(jobs)}, {"events", std::to_string(events)},
               {"olderThanHours", std::to_string(std::chrono::duration_cast<std::chrono::hours>(config_.retention).count())}});
  return jobs + events;
}

void JobRunner::hold(const std::vector<ClaimedJob>& jobs, milliseconds lease) {
  if (jobs.empty()) return;
  const long long renewAt = store_.nowMs() + lease.count() / 2;
  std::lock_guard lock(heldMutex_);
  for (const auto& job : jobs) held_[job.id] = Held{job, lease, renewAt};
}

void JobRunner::unhold(long long jobId) {
  std::lock_guard lock(heldMutex_);
  held_.erase(jobId);
}

int JobRunner::renewLeases() {
  const long long now = store_.nowMs();
  std::vector<Held> due;
  {
    std::lock_guard lock(heldMutex_);
    for (const auto& [id, h] : held_)
      if (h.renewAtMs <= now) due.push_back(h);
  }
  int renewed = 0;
  for (const Held& h : due) {
    bool mine = false;
    try {
      mine = store_.renew(h.job, workerId_, now + h.lease.count());
    } catch (const std::exception& e) {
      if (databaseUnavailable(e)) break;  // the outage is logged by the pool; the next pass tries again
      log_.warn("renewing a job's lease failed; trying again", {{"job", std::to_string(h.job.id)}, {"error", e.what()}});
      continue;
    }
    std::lock_guard lock(heldMutex_);
    auto it = held_.find(h.job.id);
    if (it == held_.end()) continue;  // finished meanwhile
    if (mine) {
      it->second.renewAtMs = now + h.lease.count() / 2;
      ++renewed;
    } else {
      log_.warn("a running job is no longer this instance's claim (its lease expired first); it may run twice",
                {{"job", std::to_string(h.job.id)}, {"queue", h.job.queue}});
      held_.erase(it);
    }
  }
  return renewed;
}

void JobRunner::schedulerLoop() {
  std::unique_lock lock(schedulerMutex_);
  // The first pass waits one poll interval, so start-up is not slowed.
  auto nextPrune = Steady::now() + config_.pollInterval;
  auto nextStats = Steady::now();
  milliseconds outagePause{0};
  while (!stopping_) {
    lock.unlock();
    bool unavailable = false;
    // Each step says whether it failed for want of the database (quietly:
    // the pool logged the outage) or for another reason (a warning).
    auto step = [&](const char* what, const std::function<void()>& fn) {
      try {
        fn();
      } catch (const std::exception& e) {
        if (databaseUnavailable(e))
          unavailable = true;
        else
          log_.warn(std::string(what) + " failed; trying again later", {{"error", e.what()}});
      }
    };
    step("renewing leases", [&] { renewLeases(); });
    step("looking for due jobs", [&] { wakeDueQueues(); });
    step("the cron tick", [&] { tickCron(); });
    if (Steady::now() >= nextPrune) {
      nextPrune = Steady::now() + kPruneEvery;
      step("pruning finished jobs", [&] { pruneFinished(); });
    }
    if (!unavailable && Steady::now() >= nextStats) {
      nextStats = Steady::now() + kStatsEvery;
      step("counting jobs for /metrics", [&] { refreshStats(); });
    }
    outagePause = unavailable ? nextOutagePause(outagePause) : milliseconds(0);
    lock.lock();
    schedulerCv_.wait_for(lock, std::max(config_.pollInterval, outagePause), [&] { return stopping_.load(); });
  }
}

void JobRunner::wakeDueQueues() {
  std::vector<std::string> names;
  names.reserve(queues_.size());
  for (const auto& [name, q] : queues_) names.push_back(name);
  for (const auto& name : store_.dueQueues(names)) wake(name);
}

void JobRunner::refreshStats() {
  std::vector<QueueStats> fresh = store_.stats(/*countDone=*/false);
  std::lock_guard lock(statsMutex_);
  stats_ = std::move(fresh);
}

void JobRunner::renderMetrics(std::string& out) {
  std::vector<QueueStats> stats;
  {
    std::lock_guard lock(statsMutex_);
    if (!stats_) return;  // not counted yet
    stats = *stats_;
  }
  out += "# HELP agape_jobs_queue_depth Jobs by queue and state.\n# TYPE agape_jobs_queue_depth gauge\n";
  for (const auto& s : stats) {
    appendSample(out, "agape_jobs_queue_depth", formatLabels({{"queue", s.queue}, {"state", "pending"}}),
                 static_cast<double>(s.pending));
    appendSample(out, "agape_jobs_queue_depth", formatLabels({{"queue", s.queue}, {"state", "running"}}),
                 static_cast<double>(s.running));
    appendSample(out, "agape_jobs_queue_depth", formatLabels({{"queue", s.queue}, {"state", "failed"}}),
                 static_cast<double>(s.failed));
    appendSample(out, "agape_jobs_queue_depth", formatLabels({{"queue", s.queue}, {"state", "dead"}}),
                 static_cast<double>(s.dead));
  }
  out += "# HELP agape_jobs_oldest_pending_seconds Age of the oldest runnable pending job.\n"
         "# TYPE agape_jobs_oldest_pending_seconds gauge\n";
  for (const auto& s : stats)
    appendSample(out, "agape_jobs_oldest_pending_seconds", formatLabels({{"queue", s.queue}}), s.oldestPendingSeconds);
}

}  // namespace agape::kernel
