#pragma once
// Domain events as a log. publish() appends one row to agape_events in the
// publisher's transaction, nothing else: commit makes the event durable,
// rollback leaves nothing. Each subscriber has a cursor in the log and a
// thread here that reads the events after it in batches, in order, and
// moves it on:
// - a subscriber in the delivery's transaction (subscribeBatch) gets a
//   batch and a Tx; its effects and the cursor commit together. A batch
//   that throws is rolled back and its events delivered again one at a time;
// - a subscriber outside any transaction (subscribe) gets the events one by
//   one; the cursor moves on after the batch, so a crash in between delivers
//   them again (at least once, as the SDK promises).
// An event a subscriber fails becomes a job on its own queue
// ("events.<plugin>.<name>"), retried with back-off and dead-lettered after
// kDeliveryAttempts, while the cursor goes on with the events after it: one
// poison event never stops a subscriber, nor a subscriber the others.
//
// One instance at a time delivers to a subscriber: the cursor row carries a
// lease, renewed while it delivers and taken over when it lapses. Events
// published here wake the subscribers they match at commit; events of other
// instances are found by looking at the log's head every jobs.pollInterval.
//
// A follower is read by every instance, from a position kept in memory that
// starts where the log ended when the cursors were opened (before any
// plugin starts): for state each instance keeps in memory.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agape/events.h"
#include "agape/metrics.h"
#include "events/event_log.h"
#include "jobs/job_runner.h"
#include "log/log.h"

namespace agape::kernel {

class EventBus {
 public:
  // Attempts per event and subscriber, the first delivery from the log
  // included, before it is dead-lettered.
  static constexpr int kDeliveryAttempts = 10;
  // Events per batch read from the log.
  static constexpr int kBatch = 256;
  // A subscriber's lease; renewed when half of it has passed.
  static constexpr std::chrono::seconds kLease{30};
  static constexpr long long kLeaseMs = std::chrono::milliseconds(kLease).count();
  // A busy subscriber (its last batch held kGatherFrom events or more)
  // takes a batch at most every kGather: the events of many requests share
  // one read and one transaction. A trickle of events goes at once; under
  // load delivery waits up to kGather.
  static constexpr std::chrono::milliseconds kGather{50};
  static constexpr int kGatherFrom = 8;
  // How often the lag of each subscriber is measured for /metrics.
  static constexpr std::chrono::seconds kLagEvery{5};

  EventBus(Database& db, JobRunner& runner, Metrics& metrics, std::chrono::milliseconds pollInterval);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // ---- provision
  void subscribe(const std::string& plugin, std::string pattern, const std::string& name, EventHandler handler,
                 QueueOptions options);
  void subscribeBatch(const std::string& plugin, std::string pattern, const std::string& name,
                      EventBatchHandler handler, QueueOptions options);
  void follow(const std::string& plugin, std::string pattern, const std::string& name, EventFollower handler);
  // Creates the cursor of every subscriber that has none, and places every
  // follower, at the end of the log. Before the first publish a subscriber
  // must see (start() does it if it was not done).
  void openCursors();

  // ---- any time. `schemaVersion` is the payload shape's, as declared by its event struct.
  std::string publish(Tx& tx, std::string_view topic, std::string_view payloadJson, int schemaVersion = 1);

  // ---- running: one thread per subscriber and follower, and one that
  // watches the log. Subscribers only when `deliver` (this instance runs
  // jobs); followers always.
  void start(bool deliver = true);
  // Finishes the batches in hand, then leaves each cursor free for any instance.
  void stop();
  // Synchronous, on the calling thread (tests, benchmarks): delivers every
  // event committed by now to every subscriber until none is left (waiting,
  // up to 5 s, while an older transaction elsewhere on the database server
  // keeps some unreadable); returns how many deliveries were made (a failed
  // one, now a retry job, included).
  int deliverDue();
  // Sets each subscriber's lag gauges from the stored cursors; the watcher
  // thread does it every kLagEvery.
  void measureLag();

 private:
  struct Subscriber;
  struct Outcome {
    int taken = 0;      // events the cursor moved past with a delivery
    bool more = false;  // a full batch: read again at once
  };

  Subscriber& add(const std::string& plugin, std::string pattern, const std::string& name,
                  const QueueOptions* retries);
  void wake(Subscriber& s);
  // One batch for `s` on the calling thread.
  Outcome deliverBatch(Subscriber& s);
  bool holdLease(Subscriber& s, long long nowMs);
  // Whether a subscriber this instance delivers to stands before the log's
  // head (events written that it could not read yet).
  bool heldBack();
  void deliverOutsideTx(Subscriber& s, const EventLog::Batch& batch);
  void deliverToFollower(Subscriber& s, const EventLog::Batch& batch);
  // The subscribers with a thread here.
  bool running(const Subscriber& s) const;
  void deliverInTx(Subscriber& s, const EventLog::Batch& batch);
  // Records a delivery that failed as a retry job (or a dead one) and
  // moves the cursor to `to`, in one transaction.
  struct Failure {
    const LoggedEvent* event;
    std::string error;
    bool permanent;
  };
  void recordFailures(Subscriber& s, const std::vector<Failure>& failures, LogPosition to);
  void count(Subscriber& s, const std::string& topic, const char* outcome);
  void subscriberLoop(Subscriber& s);
  void watchLoop();
  long long nowMs() const { return runner_.store().nowMs(); }

  Database& db_;
  JobRunner& runner_;
  Metrics& metrics_;
  const std::chrono::milliseconds pollInterval_;
  EventLog log_;
  JsonLogger logger_{"events"};
  std::vector<std::unique_ptr<Subscriber>> subscribers_;

  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool delivering_ = false;  // subscribers run here, not only followers
  bool positioned_ = false;  // openCursors has run
  std::vector<std::thread> threads_;
  std::mutex watchMutex_;
  std::condition_variable watchCv_;
};

// The Events a plugin's Context hands out.
class PluginEvents final : public Events {
 public:
  PluginEvents(EventBus& bus, std::string pluginId) : bus_(bus), pluginId_(std::move(pluginId)) {}
  using Events::subscribe;
  using Events::subscribeBatch;
  void subscribe(std::string topic, std::string name, EventHandler handler, QueueOptions options) override {
    bus_.subscribe(pluginId_, std::move(topic), name, std::move(handler), options);
  }
  void subscribeBatch(std::string topic, std::string name, EventBatchHandler handler, QueueOptions options) override {
    bus_.subscribeBatch(pluginId_, std::move(topic), name, std::move(handler), options);
  }
  void follow(std::string pattern, std::string name, EventFollower handler) override {
    bus_.follow(pluginId_, std::move(pattern), name, std::move(handler));
  }

 protected:
  std::string publishVersion(std::string_view topic, int schemaVersion, std::string_view payloadJson, Tx& tx) override {
    return bus_.publish(tx, topic, payloadJson, schemaVersion);
  }

 private:
  EventBus& bus_;
  std::string pluginId_;
};

}  // namespace agape::kernel
