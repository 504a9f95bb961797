#pragma once
// Domain events with a transactional outbox. publish() writes the event in
// the caller's transaction; after commit it is delivered to every
// subscriber as its own durable job, so one failing subscriber retries alone
// and never blocks the others. Delivery is at least once: subscribers must be
// idempotent, deduplicating on Event::id. A rolled-back transaction
// publishes nothing; nothing committed is lost across a crash.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "agape/jobs.h"

namespace agape {

class Tx;

struct Event {
  std::string id;       // unique; the key to deduplicate on
  std::string topic;    // dotted: "order.paid"
  std::string payload;  // JSON text
  std::chrono::system_clock::time_point occurredAt;
  std::string requestId;  // of the request that published it, if any
  int attempt = 1;        // delivery attempt to this subscriber
};

using EventHandler = std::function<void(const Event&)>;

class Events {
 public:
  virtual ~Events() = default;
  // Returns the event id.
  virtual std::string publish(std::string_view topic, std::string_view payloadJson, Tx& tx) = 0;
  // Provision only. `topic` is exact ("order.paid") or a prefix pattern
  // ("order.*"). `name` identifies the subscriber within this plugin; its
  // deliveries run on queue "events.<plugin>.<name>".
  virtual void subscribe(std::string topic, std::string name, EventHandler handler,
                         QueueOptions options = {}) = 0;
};

}  // namespace agape
