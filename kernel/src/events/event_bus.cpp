#include "events/event_bus.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

bool validTopic(std::string_view topic) {
  if (topic.empty() || topic.front() == '.' || topic.back() == '.') return false;
  for (char c : topic)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
  return topic.find("..") == std::string_view::npos;
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace


void EventBus::subscribe(const std::string& plugin, std::string topic, const std::string& name, EventHandler handler,
                         QueueOptions options) {
  const bool prefix = topic == "*" || (topic.size() > 2 && topic.substr(topic.size() - 2) == ".*");
  if (!(prefix ? (topic == "*" || validTopic(std::string_view(topic).substr(0, topic.size() - 2))) : validTopic(topic)))
    throw std::invalid_argument("subscription \"" + name + "\": \"" + topic +
                                "\" is not a topic (\"order.paid\") or prefix pattern (\"order.*\")");
  if (!handler) throw std::invalid_argument("subscription \"" + name + "\": the handler is empty");
  std::string queue = "events." + plugin + "." + name;
  runner_.addQueue(plugin, queue,
                   [handler = std::move(handler)](const Job& job) {
                     const auto delivery = nlohmann::json::parse(job.payload);
                     Event e;
                     e.id = delivery.at("id").get<std::string>();
                     e.topic = delivery.at("topic").get<std::string>();
                     e.payload = delivery.at("payload").get<std::string>();
                     e.occurredAt = fromMs(delivery.at("occurredAt").get<long long>());
                     e.requestId = delivery.value("requestId", "");
                     e.attempt = job.attempt;
                     e.schemaVersion = delivery.value("schemaVersion", 1);
                     handler(e);
                   },
                   options);
  subscriptions_.push_back({std::move(topic), std::move(queue)});
}

std::string EventBus::publish(Tx& tx, std::string_view topic, std::string_view payloadJson, int schemaVersion) {
  if (!validTopic(topic))
    throw std::invalid_argument("publish: \"" + std::string(topic) +
                                "\" is not a topic (lowercase dotted words such as \"order.paid\")");
  if (!nlohmann::json::accept(payloadJson)) throw std::invalid_argument("publish: the payload is not JSON");
  const std::string id = newRequestId();  // a UUIDv7: unique and time-ordered
  const long long now = runner_.store().nowMs();
  const std::string requestId(currentRequestId());
  std::vector<const Subscription*> targets;
  for (const auto& s : subscriptions_)
    if (topicMatches(s.pattern, topic)) targets.push_back(&s);
  tx.exec("INSERT INTO agape_events (id, topic, payload, occurred_at, request_id, deliveries)"
          " VALUES (:id, :topic, :payload, :at, :request_id, :deliveries)",
          {{"id", id}, {"topic", topic}, {"payload", payloadJson}, {"at", now},
           {"request_id", requestId.empty() ? Value() : Value(requestId)},
           {"deliveries", static_cast<long long>(targets.size())}});
  if (targets.empty()) return id;
  nlohmann::json delivery = {{"id", id}, {"topic", topic}, {"payload", payloadJson}, {"occurredAt", now}};
  if (!requestId.empty()) delivery["requestId"] = requestId;
  // Absent means 1, as in deliveries written before events had versions.
  if (schemaVersion != 1) delivery["schemaVersion"] = schemaVersion;
  const std::string body = delivery.dump();
  JobOptions options;
  options.maxAttempts = kDeliveryAttempts;
  for (const Subscription* s : targets) {
    // One delivery per subscriber and event, even if a caller retries publish
    // within one transaction attempt.
    options.idempotencyKey = id;
    runner_.enqueue(tx, s->queue, body, options);
  }
  return id;
}

}  // namespace agape::kernel
