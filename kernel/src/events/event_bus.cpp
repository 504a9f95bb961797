#include "events/event_bus.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "db/db_errors.h"
#include "db/pooled_tx.h"
#include "http/middleware/middlewares.h"
#include "jobs/retry_backoff.h"

namespace agape::kernel {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

constexpr std::size_t kMaxErrorLength = 2000;
constexpr long long kLagCap = 100'000;

bool validTopic(std::string_view topic) {
  if (topic.empty() || topic.front() == '.' || topic.back() == '.') return false;
  for (char c : topic)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
  return topic.find("..") == std::string_view::npos;
}

bool validPattern(const std::string& pattern) {
  if (pattern == "*") return true;
  if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0)
    return validTopic(std::string_view(pattern).substr(0, pattern.size() - 2));
  return validTopic(pattern);
}


std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

// A retry job's payload: the whole event, so the job never needs the row,
// and how many attempts came before the job's own.
std::string retryPayload(const Event& e, int attemptsBefore) {
  nlohmann::json d = {{"id", e.id}, {"topic", e.topic}, {"payload", e.payload}, {"occurredAt", epochMs(e.occurredAt)}};
  if (!e.requestId.empty()) d["requestId"] = e.requestId;
  // Absent means 1, as in deliveries written before events had versions.
  if (e.schemaVersion != 1) d["schemaVersion"] = e.schemaVersion;
  d["attemptsBefore"] = attemptsBefore;
  return d.dump();
}

Event eventOfRetry(const Job& job) {
  const auto d = nlohmann::json::parse(job.payload);
  Event e;
  e.id = d.at("id").get<std::string>();
  e.topic = d.at("topic").get<std::string>();
  e.payload = d.at("payload").get<std::string>();
  e.occurredAt = fromMs(d.at("occurredAt").get<long long>());
  e.requestId = d.value("requestId", "");
  // Jobs written when every delivery was a job have no attemptsBefore.
  e.attempt = job.attempt + d.value("attemptsBefore", 0);
  e.schemaVersion = d.value("schemaVersion", 1);
  return e;
}

// The events a transaction publishes, appended together before its commit.
struct PendingEvents final : PooledTx::Pending {
  EventLog* log = nullptr;
  std::vector<EventLog::Appended> events;
  void add(EventLog& to, EventLog::Appended e) {
    log = &to;
    events.push_back(std::move(e));
  }
  void flush(Tx& tx) override { log->append(tx, events); }
};

// The cursor lost its lease while a batch was delivered in its
// transaction: rolled back, another instance delivers it.
struct LeaseLost : std::runtime_error {
  LeaseLost() : std::runtime_error("the subscriber's lease passed to another instance") {}
};

}  // namespace

struct EventBus::Subscriber {
  std::string key;  // "<plugin>.<name>": the cursor's row
  std::string pattern;
  std::string queue;  // its retries
  EventHandler handler;            // outside a transaction, or
  EventBatchHandler batchHandler;  // in the delivery's, or
  EventFollower follower;          // on every instance, from memory
  bool placed = false;             // a follower's cursor is set
  Gauge* lagEvents = nullptr;
  Gauge* lagSeconds = nullptr;

  std::mutex deliveryMutex;  // one batch at a time (the thread, or deliverDue)
  // Under deliveryMutex: the lease and the cursor while it is held (ahead
  // of the stored one when unmatched events were passed over).
  bool leased = false;
  long long leaseUntilMs = 0;
  long long askLeaseAtMs = 0;  // another instance held the lease: not asked before then
  LogPosition cursor;

  std::mutex wakeMutex;
  std::condition_variable wakeCv;
  unsigned long long wakeSeq = 0;
  LogPosition seen;  // under wakeMutex: where the cursor stood after the last batch
};

EventBus::EventBus(Database& db, JobRunner& runner, Metrics& metrics, milliseconds pollInterval)
    : db_(db), runner_(runner), metrics_(metrics), pollInterval_(pollInterval), log_(db) {}

EventBus::~EventBus() { stop(); }

EventBus::Subscriber& EventBus::add(const std::string& plugin, std::string pattern, const std::string& name,
                                    const QueueOptions* retries) {
  if (!validPattern(pattern))
    throw std::invalid_argument("subscription \"" + name + "\": \"" + pattern +
                                "\" is not a topic (\"order.paid\") or prefix pattern (\"order.*\")");
  auto s = std::make_unique<Subscriber>();
  s->key = plugin + "." + name;
  for (const auto& other : subscribers_)
    if (other->key == s->key)
      throw std::invalid_argument("subscription \"" + name + "\": the plugin has one of that name already");
  s->pattern = std::move(pattern);
  s->queue = "events." + s->key;
  Subscriber* sp = s.get();
  if (retries)
    runner_.addQueue(plugin, s->queue,
                     [this, sp](const Job& job) {
                       const Event e = eventOfRetry(job);
                       if (sp->handler)
                         sp->handler(e);
                       else
                         db_.run([&](Tx& tx) { sp->batchHandler({e}, tx); });
                     },
                     *retries);
  s->lagEvents = &metrics_.gauge("agape_event_lag_events",
                                 "Events a subscriber has not taken yet (counted up to 100000).", {{"subscriber", s->key}});
  s->lagSeconds = &metrics_.gauge("agape_event_lag_seconds",
                                  "Age of the oldest event a subscriber has not taken yet.", {{"subscriber", s->key}});
  subscribers_.push_back(std::move(s));
  return *sp;
}

void EventBus::count(Subscriber& s, const std::string& topic, const char* outcome) {
  // The registry finds the series made the first time.
  metrics_
      .counter("agape_event_deliveries_total",
               "Deliveries of events to a subscriber, by topic and outcome (delivered, retry: failed and retried as "
               "a job, dead).",
               {{"subscriber", s.key}, {"topic", topic}, {"outcome", outcome}})
      .inc();
}

void EventBus::subscribe(const std::string& plugin, std::string pattern, const std::string& name,
                         EventHandler handler, QueueOptions options) {
  if (!handler) throw std::invalid_argument("subscription \"" + name + "\": the handler is empty");
  add(plugin, std::move(pattern), name, &options).handler = std::move(handler);
}

void EventBus::subscribeBatch(const std::string& plugin, std::string pattern, const std::string& name,
                              EventBatchHandler handler, QueueOptions options) {
  if (!handler) throw std::invalid_argument("subscription \"" + name + "\": the handler is empty");
  add(plugin, std::move(pattern), name, &options).batchHandler = std::move(handler);
}

void EventBus::follow(const std::string& plugin, std::string pattern, const std::string& name,
                      EventFollower handler) {
  if (!handler) throw std::invalid_argument("follower \"" + name + "\": the handler is empty");
  add(plugin, std::move(pattern), name, nullptr).follower = std::move(handler);
}

void EventBus::openCursors() {
  std::optional<LogPosition> end;
  for (auto& s : subscribers_) {
    if (!s->follower) {
      log_.openCursor(s->key, s->pattern, nowMs());
      continue;
    }
    // Once: where the instance's in-memory state starts from.
    std::lock_guard delivering(s->deliveryMutex);
    if (s->placed) continue;
    if (!end) end = log_.end();
    s->cursor = *end;
    s->placed = true;
    std::lock_guard lock(s->wakeMutex);
    s->seen = *end;
  }
}

bool EventBus::running(const Subscriber& s) const { return started_ && (s.follower || delivering_); }

std::string EventBus::publish(Tx& tx, std::string_view topic, std::string_view payloadJson, int schemaVersion) {
  if (!validTopic(topic))
    throw std::invalid_argument("publish: \"" + std::string(topic) +
                                "\" is not a topic (lowercase dotted words such as \"order.paid\")");
  if (!nlohmann::json::accept(payloadJson)) throw std::invalid_argument("publish: the payload is not JSON");
  std::vector<Subscriber*> targets;
  for (auto& s : subscribers_)
    if (topicMatches(s->pattern, topic)) targets.push_back(s.get());
  EventLog::Appended e;
  e.id = newRequestId();  // a UUIDv7: unique and time-ordered
  e.topic = std::string(topic);
  e.payload = std::string(payloadJson);
  e.schemaVersion = schemaVersion;
  e.occurredAtMs = nowMs();
  e.requestId = std::string(currentRequestId());
  e.deliveries = static_cast<long long>(targets.size());
  std::string id = e.id;
  tx.afterCommit([this, targets = std::move(targets), topic = e.topic] {
    for (Subscriber* s : targets) wake(*s);
    metrics_.counter("agape_events_published_total", "Events published, by topic.", {{"topic", topic}}).inc();
  });
  // The transaction's events go in as one statement before its commit.
  if (auto* pooled = dynamic_cast<PooledTx*>(&tx))
    pooled->pending<PendingEvents>(&log_).add(log_, std::move(e));
  else
    log_.append(tx, {std::move(e)});
  return id;
}

void EventBus::wake(Subscriber& s) {
  {
    std::lock_guard lock(s.wakeMutex);
    ++s.wakeSeq;
  }
  s.wakeCv.notify_one();
}

bool EventBus::holdLease(Subscriber& s, long long now) {
  if (s.leased && s.leaseUntilMs - now > kLeaseMs / 2) return true;
  if (s.leased) {
    // Renewing also stores the cursor moved past unmatched events.
    const bool kept = db_.run([&](Tx& tx) {
      EventLog::relaxDurability(tx);
      return log_.advance(tx, s.key, runner_.workerId(), s.cursor, now + kLeaseMs, now);
    });
    if (kept) {
      s.leaseUntilMs = now + kLeaseMs;
      return true;
    }
    s.leased = false;
  }
  // Another instance holds it: asked again after half a lease, not at every
  // wake-up (a takeover comes within a lease and a half of its holder's end).
  if (now < s.askLeaseAtMs) return false;
  const auto stored = log_.acquire(s.key, runner_.workerId(), now, now + kLeaseMs);
  if (!stored) {
    s.askLeaseAtMs = now + kLeaseMs / 2;
    return false;
  }
  s.cursor = *stored;
  s.leased = true;
  s.leaseUntilMs = now + kLeaseMs;
  return true;
}

EventBus::Outcome EventBus::deliverBatch(Subscriber& s) {
  std::lock_guard delivering(s.deliveryMutex);
  Outcome out;
  if (s.follower ? !s.placed : !holdLease(s, nowMs())) return out;
  const EventLog::Batch batch = log_.read(s.pattern, s.cursor, kBatch);
  if (!batch.events.empty()) {
    try {
      if (s.follower)
        deliverToFollower(s, batch);
      else if (s.handler)
        deliverOutsideTx(s, batch);
      else
        deliverInTx(s, batch);
    } catch (const LeaseLost&) {
      s.leased = false;
      return out;
    }
    out.taken = static_cast<int>(batch.events.size());
    out.more = out.taken == kBatch;
  }
  // Past unmatched events: kept here, stored with the next write.
  s.cursor = batch.next;
  {
    std::lock_guard lock(s.wakeMutex);
    s.seen = s.cursor;
  }
  return out;
}

void EventBus::deliverOutsideTx(Subscriber& s, const EventLog::Batch& batch) {
  std::vector<Failure> failures;
  for (const LoggedEvent& e : batch.events) {
    try {
      s.handler(e.event);
      count(s, e.event.topic, "delivered");
    } catch (const PermanentJobFailure& f) {
      failures.push_back({&e, f.what(), true});
    } catch (const std::exception& f) {
      // The database gone: nothing recorded, the batch comes again.
      if (databaseUnavailable(f)) throw;
      failures.push_back({&e, f.what(), false});
    }
  }
  recordFailures(s, failures, batch.next);
}

// A handler that throws gets the batch again (the caller pauses); one that
// says it never can read it (PermanentJobFailure) is passed over.
void EventBus::deliverToFollower(Subscriber& s, const EventLog::Batch& batch) {
  std::vector<Event> all;
  all.reserve(batch.events.size());
  for (const LoggedEvent& e : batch.events) all.push_back(e.event);
  const char* outcome = "delivered";
  try {
    s.follower(all);
  } catch (const PermanentJobFailure& f) {
    outcome = "dead";
    logger_.error("a follower passed over events it cannot read",
                  {{"follower", s.key}, {"events", std::to_string(all.size())}, {"first", all.front().id},
                   {"error", f.what()}});
  }
  for (const Event& e : all) count(s, e.topic, outcome);
}

void EventBus::deliverInTx(Subscriber& s, const EventLog::Batch& batch) {
  const auto deliver = [&](const std::vector<Event>& events, LogPosition to) {
    db_.run([&](Tx& tx) {
      s.batchHandler(events, tx);
      const long long now = nowMs();
      if (!log_.advance(tx, s.key, runner_.workerId(), to, now + kLeaseMs, now)) throw LeaseLost();
    });
    s.leaseUntilMs = nowMs() + kLeaseMs;
    for (const Event& e : events) count(s, e.topic, "delivered");
  };
  std::vector<Event> all;
  all.reserve(batch.events.size());
  for (const LoggedEvent& e : batch.events) all.push_back(e.event);
  try {
    deliver(all, batch.next);
    return;
  } catch (const LeaseLost&) {
    throw;
  } catch (const std::exception& f) {
    if (databaseUnavailable(f)) throw;
    if (batch.events.size() > 1)
      logger_.info("a batch of events failed; delivering its events one by one",
                   {{"subscriber", s.key}, {"events", std::to_string(batch.events.size())}, {"error", f.what()}});
  }
  // One at a time: those before the poison commit, the poison becomes a
  // retry job, those after it go on.
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const LoggedEvent& e = batch.events[i];
    const LogPosition to = i + 1 == batch.events.size() ? batch.next : e.at;
    try {
      deliver({e.event}, to);
    } catch (const LeaseLost&) {
      throw;
    } catch (const PermanentJobFailure& f) {
      recordFailures(s, {{&e, f.what(), true}}, to);
    } catch (const std::exception& f) {
      if (databaseUnavailable(f)) throw;
      recordFailures(s, {{&e, f.what(), false}}, to);
    }
  }
}

void EventBus::recordFailures(Subscriber& s, const std::vector<Failure>& failures, LogPosition to) {
  db_.run([&](Tx& tx) {
    // The cursor may be lost in a crash and these written again: the
    // retry's idempotency key (the event id) keeps one job per event.
    EventLog::relaxDurability(tx);
    for (const Failure& f : failures) {
      std::string error = f.error.empty() ? "exception without a message" : f.error;
      if (error.size() > kMaxErrorLength) error.resize(kMaxErrorLength);
      JobOptions options;
      options.maxAttempts = kDeliveryAttempts - 1;
      options.idempotencyKey = f.event->event.id;
      options.runAt = fromMs(nowMs() + randomRetryDelay(1).count());
      runner_.store().enqueueFailure(tx, s.queue, retryPayload(f.event->event, 1), options, error, f.permanent);
    }
    const long long now = nowMs();
    if (!log_.advance(tx, s.key, runner_.workerId(), to, now + kLeaseMs, now)) throw LeaseLost();
  });
  s.leaseUntilMs = nowMs() + kLeaseMs;
  for (const Failure& f : failures) {
    const Event& e = f.event->event;
    if (f.permanent) {
      count(s, e.topic, "dead");
      logger_.error("event dead-lettered",
                    {{"subscriber", s.key}, {"event", e.id}, {"topic", e.topic}, {"error", f.error}});
    } else {
      count(s, e.topic, "retry");
      logger_.warn("event delivery failed; retried as a job",
                   {{"subscriber", s.key}, {"event", e.id}, {"topic", e.topic}, {"queue", s.queue}, {"error", f.error}});
    }
  }
}

int EventBus::deliverDue() {
  int delivered = 0;
  const auto giveUp = Steady::now() + std::chrono::seconds(5);
  for (;;) {
    bool any = false;
    for (auto& s : subscribers_) {
      const Outcome o = deliverBatch(*s);
      delivered += o.taken;
      any = any || o.taken > 0;
    }
    if (any) continue;
    // Events committed but not readable yet: a transaction older than
    // theirs still runs elsewhere on the server (PostgreSQL). Wait for it,
    // a while, as the threads would.
    if (Steady::now() >= giveUp || !heldBack()) break;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return delivered;
}

bool EventBus::heldBack() {
  const LogPosition head = log_.head();
  for (auto& s : subscribers_) {
    std::lock_guard delivering(s->deliveryMutex);
    if ((s->leased || s->placed) && s->cursor < head) return true;
  }
  return false;
}

void EventBus::start(bool deliver) {
  if (started_) return;
  std::size_t subscribers = 0, followers = 0;
  for (auto& s : subscribers_) ++(s->follower ? followers : subscribers);
  if (followers == 0 && (subscribers == 0 || !deliver)) return;
  openCursors();
  stopping_ = false;
  started_ = true;
  delivering_ = deliver;
  for (auto& s : subscribers_)
    if (running(*s)) threads_.emplace_back([this, sp = s.get()] { subscriberLoop(*sp); });
  threads_.emplace_back([this] { watchLoop(); });
  logger_.info("event delivery started", {{"subscribers", std::to_string(deliver ? subscribers : 0)},
                                          {"followers", std::to_string(followers)}});
}

void EventBus::stop() {
  if (!started_) return;
  stopping_ = true;
  for (auto& s : subscribers_) wake(*s);
  {
    std::lock_guard lock(watchMutex_);
  }
  watchCv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  for (auto& s : subscribers_) {
    if (!s->leased) continue;
    try {
      log_.release(s->key, runner_.workerId(), s->cursor, nowMs());
    } catch (const std::exception& e) {
      logger_.warn("could not free a subscriber's lease; another instance takes it when it lapses",
                   {{"subscriber", s->key}, {"error", e.what()}});
    }
    s->leased = false;
  }
  started_ = false;
}

void EventBus::subscriberLoop(Subscriber& s) {
  milliseconds outagePause{0};
  unsigned long long done = 0;
  bool again = true;  // look once at start
  auto lastBatch = Steady::now() - kGather;
  int lastTaken = 0;
  while (!stopping_) {
    if (!again) {
      std::unique_lock lock(s.wakeMutex);
      s.wakeCv.wait(lock, [&] { return stopping_ || s.wakeSeq != done; });
      if (stopping_) break;
      // Busy (the last batch, less than kGather ago, held kGatherFrom events
      // or more): wait out the rest of kGather, so the events of many
      // requests go in one batch and one transaction. A trickle of events
      // goes at once, each in a small batch.
      if (lastTaken >= kGatherFrom)
        s.wakeCv.wait_until(lock, lastBatch + kGather, [&] { return stopping_.load(); });
      if (stopping_) break;
      done = s.wakeSeq;
    }
    again = false;
    try {
      const Outcome o = deliverBatch(s);
      lastTaken = o.taken;
      if (o.taken > 0) lastBatch = Steady::now();
      again = o.more;
      outagePause = milliseconds(0);
    } catch (const std::exception& e) {
      if (databaseUnavailable(e)) {
        outagePause = nextOutagePause(outagePause);
      } else {
        outagePause = pollInterval_;
        logger_.warn("delivering events failed; trying again", {{"subscriber", s.key}, {"error", e.what()}});
      }
      std::unique_lock lock(s.wakeMutex);
      s.wakeCv.wait_for(lock, outagePause, [&] { return stopping_.load(); });
      again = true;
    }
  }
}

void EventBus::watchLoop() {
  auto nextLag = Steady::now();
  milliseconds pause = pollInterval_;
  while (!stopping_) {
    try {
      // Events of other instances, and those not readable when their
      // commit woke the subscriber (an older transaction still ran).
      const LogPosition head = log_.head();
      for (auto& s : subscribers_) {
        if (!running(*s)) continue;
        bool behind;
        {
          std::lock_guard lock(s->wakeMutex);
          behind = s->seen < head;
        }
        if (behind) wake(*s);
      }
      if (Steady::now() >= nextLag) {
        measureLag();
        nextLag = Steady::now() + kLagEvery;
      }
      pause = pollInterval_;
    } catch (const std::exception& e) {
      if (!databaseUnavailable(e)) logger_.warn("watching the event log failed", {{"error", e.what()}});
      pause = std::max(pollInterval_, nextOutagePause(pause));
    }
    std::unique_lock lock(watchMutex_);
    watchCv_.wait_for(lock, pause, [&] { return stopping_.load(); });
  }
}

void EventBus::measureLag() {
  const long long now = nowMs();
  for (auto& s : subscribers_) {
    EventLog::Lag lag;
    if (s->follower) {
      if (!s->placed) continue;
      LogPosition at;
      {
        std::lock_guard delivering(s->deliveryMutex);
        at = s->cursor;
      }
      lag = log_.lagAfter(at, s->pattern, kLagCap);
    } else {
      lag = log_.lag(s->key, s->pattern, kLagCap);
    }
    s->lagEvents->set(static_cast<double>(lag.events));
    s->lagSeconds->set(lag.oldestMs ? static_cast<double>(std::max(0LL, now - *lag.oldestMs)) / 1000.0 : 0.0);
  }
}

}  // namespace agape::kernel
