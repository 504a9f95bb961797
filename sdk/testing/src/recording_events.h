#pragma once
// The Events a test context hands out: the kernel's outbox (event rows and
// delivery jobs in the caller's transaction), plus a record of each publish
// taken when its transaction commits, so a rolled-back publish is never
// listed, as it never reaches a subscriber.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "agape/clock.h"
#include "agape/db.h"
#include "agape/events.h"
#include "agape/testing/test_context.h"
#include "events/event_bus.h"
#include "log/log.h"

namespace agape::testing {

class RecordingEvents final : public Events {
 public:
  RecordingEvents(kernel::EventBus& bus, std::string pluginId, const Clock& clock)
      : bus_(bus), pluginId_(std::move(pluginId)), clock_(clock) {}

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

  std::vector<PublishedEvent> published(std::string_view topic) const {
    std::lock_guard lock(mutex_);
    std::vector<PublishedEvent> out;
    for (const auto& e : published_)
      if (topic.empty() || topicMatches(topic, e.topic)) out.push_back(e);
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    published_.clear();
  }

 protected:
  std::string publishVersion(std::string_view topic, int schemaVersion, std::string_view payloadJson, Tx& tx) override {
    std::string id = bus_.publish(tx, topic, payloadJson, schemaVersion);
    PublishedEvent e{id, std::string(topic), std::string(payloadJson), std::string(kernel::currentRequestId()),
                     clock_.now(), schemaVersion};
    tx.afterCommit([this, e = std::move(e)] {
      std::lock_guard lock(mutex_);
      published_.push_back(e);
    });
    return id;
  }

 private:
  kernel::EventBus& bus_;
  std::string pluginId_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<PublishedEvent> published_;
};

}  // namespace agape::testing
