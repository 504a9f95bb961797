#pragma once
// Domain events, kept as a log. publish() appends the event in the
// caller's transaction: a rolled-back transaction publishes nothing and
// nothing committed is lost across a crash. Each subscriber reads the log in
// order from its own cursor, in batches, so one failing subscriber never
// holds back the others. A delivery that fails is retried on its own (a job
// on queue "events.<plugin>.<name>") while the subscriber goes on with the
// events after it; it is dead-lettered after its attempts. Delivery is at
// least once: subscribers must be idempotent, deduplicating on Event::id.
//
// Two kinds of subscriber:
// - in the delivery's transaction (a handler taking Tx&, or subscribeBatch):
//   its effects and its cursor commit together, a batch of events in one
//   transaction — for subscribers that write to the database, which is most;
// - outside any transaction (a handler without Tx&): for a subscriber that
//   calls out (a provider, a mailer) and opens its own transactions.
//
// A plugin declares the events it publishes as structs in its public header
// (agape/<plugin>/events.h), so publisher and subscribers share one
// description of each payload:
//
//   struct OrderPaid {
//     static constexpr std::string_view topic = "order.paid";
//     static constexpr int schemaVersion = 1;
//     static const Schema<OrderPaid>& schema();
//     std::string orderId;
//   };
//   events.publish(tx, OrderPaid{.orderId = id});
//   events.subscribe<OrderPaid>("receipts", [](const OrderPaid& paid, const Event& meta, Tx& tx) { ... });
//
// A payload a subscriber cannot decode (not JSON, a required field missing
// or of the wrong type, another schemaVersion) is dead-lettered at once with
// the reason: retrying cannot change it. Unknown fields are ignored, so a
// publisher may add fields and keep its schemaVersion, raised only for a
// change that would break readers (a field removed, renamed or retyped).

#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "agape/jobs.h"
#include "agape/problem.h"
#include "agape/schema.h"

namespace agape {

class Tx;

struct Event {
  std::string id;       // unique; the key to deduplicate on
  std::string topic;    // dotted: "order.paid"
  std::string payload;  // JSON text
  std::chrono::system_clock::time_point occurredAt;
  std::string requestId;  // of the request that published it, if any
  int attempt = 1;        // delivery attempt to this subscriber
  int schemaVersion = 1;  // of the payload's shape, as its publisher declared it
};

using EventHandler = std::function<void(const Event&)>;
// Several events, in log order, and the transaction the subscriber's cursor
// moves on in.
using EventBatchHandler = std::function<void(const std::vector<Event>&, Tx&)>;
// Several events, in log order, for a follower (Events::follow).
using EventFollower = std::function<void(const std::vector<Event>&)>;

// A struct that describes one event: its topic, the version of its shape and
// its Schema.
template <class E>
concept EventType = requires {
  { E::topic } -> std::convertible_to<std::string_view>;
  { E::schemaVersion } -> std::convertible_to<int>;
  { E::schema() } -> std::same_as<const Schema<E>&>;
};

// A topic as a template argument: EventOf<Shape, "user.registered">.
template <std::size_t N>
struct TopicName {
  constexpr TopicName(const char (&name)[N]) {  // NOLINT: implicit, for the literal
    for (std::size_t i = 0; i < N; ++i) text[i] = name[i];
  }
  char text[N];
};

// The event type of one payload shape published under one topic, for a
// shape several topics share. Shape declares its fields once, for any type
// built on it:
//
//   struct AccountNotice {
//     std::string userId;
//     template <class E> static Schema<E> schemaAs() { return Schema<E>().field("userId", &AccountNotice::userId); }
//   };
//   using UserRegistered = EventOf<AccountNotice, "user.registered">;
//   events.publish(tx, UserRegistered{notice});
template <class Shape, TopicName Topic, int Version = 1>
struct EventOf : Shape {
  static constexpr std::string_view topic{Topic.text, sizeof(Topic.text) - 1};
  static constexpr int schemaVersion = Version;
  static const Schema<EventOf>& schema() {
    static const auto s = Shape::template schemaAs<EventOf>();
    return s;
  }
};

// Reads a delivery as E. Throws PermanentJobFailure (dead-lettered at once)
// with the reason when it cannot: another version, not a JSON object, a
// required field missing or of the wrong type.
template <EventType E>
E decodeEvent(const Event& meta) {
  if (meta.schemaVersion != E::schemaVersion)
    throw PermanentJobFailure(meta.topic + " (event " + meta.id + ") is version " + std::to_string(meta.schemaVersion) +
                              "; this subscriber reads version " + std::to_string(E::schemaVersion));
  try {
    return E::schema().decodeLenient(meta.payload);
  } catch (const Problem& p) {
    std::string reason;
    for (const auto& e : p.errors()) reason += (reason.empty() ? "" : "; ") + e.field + " " + e.message;
    throw PermanentJobFailure(meta.topic + " (event " + meta.id + ") does not decode: " +
                              (reason.empty() ? "the payload is not a JSON object" : reason));
  }
}

// Whether `topic` falls under a subscription's pattern: exact ("order.paid"),
// a prefix ("order.*" matches "order.paid", not "order") or "*".
inline bool topicMatches(std::string_view pattern, std::string_view topic) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot: "order."
    return topic.size() > prefix.size() && topic.substr(0, prefix.size()) == prefix;
  }
  return pattern == topic;
}

// One subscription's handler for several event types, chosen by topic: a
// wildcard subscriber ("order.*") handles the topics it has a case for and
// acknowledges the others unread. A case whose topic the pattern cannot
// match is refused when the subscription is made (it would never run).
// Either every case takes the delivery's Tx& or none does.
//
//   events.subscribe("order.*", "sales", EventSwitch()
//       .on<OrderPaid>([](const OrderPaid& e, const Event& meta, Tx& tx) { ... })
//       .on<OrderCancelled>([](const OrderCancelled& e, const Event& meta, Tx& tx) { ... }));
class EventSwitch {
 public:
  template <EventType E, class F>
  EventSwitch& on(F handler) {
    constexpr bool inTx = std::is_invocable_v<F&, const E&, const Event&, Tx&>;
    static_assert(inTx || std::is_invocable_v<F&, const E&, const Event&>,
                  "an EventSwitch case takes (const E&, const Event&) or (const E&, const Event&, Tx&)");
    if (!cases_.empty() && inTx != transactional_)
      throw std::logic_error(std::string("EventSwitch: the case for ") + std::string(E::topic) +
                             (inTx ? " takes a Tx& and the cases before it do not"
                                   : " takes no Tx& and the cases before it do"));
    transactional_ = inTx;
    cases_.push_back({std::string(E::topic), [handler = std::move(handler)](const Event& meta, Tx* tx) mutable {
                        if constexpr (inTx)
                          handler(decodeEvent<E>(meta), meta, *tx);
                        else
                          handler(decodeEvent<E>(meta), meta);
                      }});
    return *this;
  }
  // Whether the cases take the delivery's transaction.
  bool transactional() const { return transactional_; }
  void operator()(const Event& meta) const { dispatch(meta, nullptr); }
  void operator()(const Event& meta, Tx& tx) const { dispatch(meta, &tx); }
  // The topics among the cases that `pattern` does not match.
  std::vector<std::string> topicsOutside(std::string_view pattern) const {
    std::vector<std::string> outside;
    for (const auto& c : cases_)
      if (!topicMatches(pattern, c.topic)) outside.push_back(c.topic);
    return outside;
  }

 private:
  void dispatch(const Event& meta, Tx* tx) const {
    for (const auto& c : cases_)
      if (c.topic == meta.topic) return c.handler(meta, tx);
  }
  struct Case {
    std::string topic;
    std::function<void(const Event&, Tx*)> handler;
  };
  std::vector<Case> cases_;
  bool transactional_ = false;
};

// One event of a batch, decoded, with its delivery's details.
template <EventType E>
struct Delivered {
  E event;
  Event meta;
};

class Events {
 public:
  virtual ~Events() = default;
  // Publishes the event in `tx`, encoded with its Schema. Returns the event id.
  template <EventType E>
  std::string publish(Tx& tx, const E& event) {
    return publishVersion(E::topic, E::schemaVersion, E::schema().encode(event), tx);
  }
  // A document no event struct describes (a notice such as "orders.seeded").
  // Returns the event id.
  std::string publish(std::string_view topic, std::string_view payloadJson, Tx& tx) {
    return publishVersion(topic, 1, payloadJson, tx);
  }
  // Provision only. `topic` is exact ("order.paid") or a prefix pattern
  // ("order.*"). `name` identifies the subscriber within this plugin; its
  // retries run on queue "events.<plugin>.<name>". The handler runs outside
  // any transaction (it opens its own): for a subscriber that calls out.
  virtual void subscribe(std::string topic, std::string name, EventHandler handler,
                         QueueOptions options = {}) = 0;
  // Provision only: the handler gets up to a batch of events in log order
  // and the transaction its cursor moves on in, so its effects and the
  // delivery commit together. A batch whose handler throws is rolled back
  // and its events delivered again one by one, each then retried alone.
  virtual void subscribeBatch(std::string topic, std::string name, EventBatchHandler handler,
                              QueueOptions options = {}) = 0;
  // Provision only: every instance of the server reads the events `pattern`
  // matches, in log order and in batches, from where the log ended when it
  // started — for state each instance keeps in memory and builds at start
  // (a search index, a cache of another plugin's data). No transaction, no
  // stored cursor, no lease, no retry job. A batch whose handler throws
  // comes again after a pause, unless it throws PermanentJobFailure (then
  // it is logged and passed over). Runs whether or not this instance runs
  // jobs. `name` identifies the follower within this plugin.
  virtual void follow(std::string pattern, std::string name, EventFollower handler) = 0;
  // Provision only: a pattern's topics, each case decoding its own type.
  // Throws std::invalid_argument for a case the pattern cannot match.
  void subscribe(std::string pattern, std::string name, EventSwitch cases, QueueOptions options = {}) {
    const auto outside = cases.topicsOutside(pattern);
    if (!outside.empty())
      throw std::invalid_argument("subscription \"" + name + "\": \"" + pattern + "\" never delivers \"" +
                                  outside.front() + "\", which it has a case for");
    if (cases.transactional())
      subscribeBatch(std::move(pattern), std::move(name),
                     [cases = std::move(cases)](const std::vector<Event>& batch, Tx& tx) {
                       for (const Event& e : batch) cases(e, tx);
                     },
                     options);
    else
      subscribe(std::move(pattern), std::move(name), EventHandler(std::move(cases)), options);
  }
  // Provision only: E's topic, each delivery decoded as E (see decodeEvent),
  // outside any transaction.
  template <EventType E>
  void subscribe(std::string name, std::function<void(const E&, const Event&)> handler, QueueOptions options = {}) {
    subscribe(std::string(E::topic), std::move(name),
              [handler = std::move(handler)](const Event& meta) { handler(decodeEvent<E>(meta), meta); }, options);
  }
  // Provision only: E's topic, each delivery decoded as E, in the delivery's
  // transaction.
  template <EventType E>
  void subscribe(std::string name, std::function<void(const E&, const Event&, Tx&)> handler,
                 QueueOptions options = {}) {
    subscribeBatch(std::string(E::topic), std::move(name),
                   [handler = std::move(handler)](const std::vector<Event>& batch, Tx& tx) {
                     for (const Event& meta : batch) handler(decodeEvent<E>(meta), meta, tx);
                   },
                   options);
  }
  // Provision only: E's topic, a whole batch decoded at once, for a
  // subscriber that applies many events in one statement (a read model that
  // keeps the newest value per key).
  template <EventType E>
  void subscribeBatch(std::string name, std::function<void(const std::vector<Delivered<E>>&, Tx&)> handler,
                      QueueOptions options = {}) {
    subscribeBatch(std::string(E::topic), std::move(name),
                   [handler = std::move(handler)](const std::vector<Event>& batch, Tx& tx) {
                     std::vector<Delivered<E>> decoded;
                     decoded.reserve(batch.size());
                     for (const Event& meta : batch) decoded.push_back({decodeEvent<E>(meta), meta});
                     handler(decoded, tx);
                   },
                   options);
  }

 protected:
  virtual std::string publishVersion(std::string_view topic, int schemaVersion, std::string_view payloadJson, Tx& tx) = 0;
};

}  // namespace agape
