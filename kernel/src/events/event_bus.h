#pragma once
// Domain events through a transactional outbox. publish() inserts the event
// row and, in the same transaction, one delivery job per matching
// subscriber on its own queue ("events.<plugin>.<name>"). Subscriptions are
// fixed at provision, so the set of deliveries is known when publishing and
// no relay process is needed: commit makes the event and all its
// deliveries durable at once, rollback leaves nothing. Each subscriber's
// job retries on its own, so one failing subscriber never holds back others.

#include <string>
#include <string_view>
#include <vector>

#include "agape/events.h"
#include "jobs/job_runner.h"

namespace agape::kernel {

class EventBus {
 public:
  // Subscriber deliveries are retried this many times before dead-lettering.
  static constexpr int kDeliveryAttempts = 10;

  explicit EventBus(JobRunner& runner) : runner_(runner) {}

  // Provision only (the runner refuses queues after freeze).
  void subscribe(const std::string& plugin, std::string topic, const std::string& name, EventHandler handler,
                 QueueOptions options);
  // `schemaVersion` is the payload shape's, as declared by its event struct.
  std::string publish(Tx& tx, std::string_view topic, std::string_view payloadJson, int schemaVersion = 1);

 private:
  struct Subscription {
    std::string pattern;
    std::string queue;
  };
  JobRunner& runner_;
  std::vector<Subscription> subscriptions_;
};

// The Events a plugin's Context hands out.
class PluginEvents final : public Events {
 public:
  PluginEvents(EventBus& bus, std::string pluginId) : bus_(bus), pluginId_(std::move(pluginId)) {}
  using Events::subscribe;
  void subscribe(std::string topic, std::string name, EventHandler handler, QueueOptions options) override {
    bus_.subscribe(pluginId_, std::move(topic), name, std::move(handler), options);
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
