#include <agape/json.h>
#include <agape/outbound_http.h>

#include "mailer.h"

namespace agape::notifications {

ResendMailer::ResendMailer(std::string baseUrl, std::string apiKey, std::string from, std::string replyTo,
                           std::chrono::milliseconds timeout)
    : baseUrl_(std::move(baseUrl)), apiKey_(std::move(apiKey)), from_(std::move(from)), replyTo_(std::move(replyTo)),
      timeout_(timeout) {}

std::string ResendMailer::send(const Message& m, const std::string& idempotencyKey) {
  Json body = {{"from", from_},  {"to", Json::array({m.to})}, {"subject", m.subject},
               {"text", m.text}, {"html", m.html},           {"tags", {{{"name", "kind"}, {"value", m.kind}}}}};
  if (!replyTo_.empty()) body["reply_to"] = replyTo_;
  HttpReply http;
  try {
    http = httpRequest("POST", baseUrl_ + "/emails",
                       {"Authorization: Bearer " + apiKey_, "Idempotency-Key: " + idempotencyKey,
                        "Content-Type: application/json"},
                       body.dump(), timeout_);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("resend ") + e.what());
  }
  const Json reply = Json::parse(http.body, nullptr, false);
  const auto text = [&](const char* k) {
    return reply.is_object() && reply.contains(k) && reply[k].is_string() ? reply[k].get<std::string>() : std::string();
  };
  if (http.status == 200 && !text("id").empty()) return text("id");
  const std::string name = text("name");
  const std::string what = "resend answered " + std::to_string(http.status) + " " + name + ": " + text("message");
  // 409 concurrent_idempotent_requests, 429 and 5xx pass with time.
  if (http.status == 429 || http.status >= 500 || name == "concurrent_idempotent_requests") throw std::runtime_error(what);
  throw PermanentFailure(what);
}

}  // namespace agape::notifications
