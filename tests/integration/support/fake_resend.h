#pragma once
// Resend's email API on loopback for the end-to-end tests, as documented:
// POST /emails with a Bearer re_ key (401/403 otherwise), {from, to, subject,
// text|html, ...} → 200 {"id": uuid}; Idempotency-Key: the same key and body
// answer the first id and send nothing, another body 409
// invalid_idempotent_request; errors as {statusCode, message, name}.
// And Resend's webhooks, signed as Svix signs them (svix-id, svix-timestamp,
// svix-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed with
// the base64 key after "whsec_"), about the emails it took.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <agape/testing/loopback_http.h>
#include <nlohmann/json.hpp>

#include "support/http_client.h"

namespace agape::test {

class FakeResend {
 public:
  struct Email {
    std::string id;
    std::string idempotencyKey;
    nlohmann::json body;
  };
  explicit FakeResend(std::string apiKey);
  ~FakeResend();
  std::string url() const;
  // The next `n` sends answer 500 (a passing failure).
  void failNext(int n);
  // Sends to this address are refused with 422 (a permanent failure).
  void reject(const std::string& address);
  std::vector<Email> sent() const;
  int requests() const;

  // Webhooks go to `url` (the server's /v1/webhooks/resend), signed with
  // `secret` (whsec_...).
  void webhooksTo(std::string url, std::string secret);
  struct Webhook {
    std::string id;         // svix-id
    std::string timestamp;  // svix-timestamp (Unix seconds)
    std::string signature;  // svix-signature
    std::string body;
  };
  // A `type` event ("email.delivered", ...) about the sent email `emailId`,
  // as Resend sends it now: {type, created_at, data: {email_id, created_at,
  // from, to, subject, tags: {name: value}} + `data`'s keys (bounce, ...)}.
  Webhook webhook(const std::string& type, const std::string& emailId,
                  const nlohmann::json& data = nlohmann::json::object()) const;
  // `body` signed for `id` and `timestamp` with the secret.
  Webhook sign(std::string id, std::string timestamp, std::string body) const;
  // POSTs it to the server (what Svix sends: the body and the three headers).
  HttpResult deliver(const Webhook& w) const;

  using Reply = testing::LoopbackReply;
  Reply handle(const std::string& method, const std::string& path, const std::string& authorization,
               const std::string& idempotencyKey, const std::string& body);

 private:
  std::string key_;
  mutable std::mutex mutex_;
  std::vector<Email> sent_;
  std::map<std::string, std::pair<std::string, std::string>> keys_;  // key → (body, id)
  std::vector<std::string> rejected_;
  int failNext_ = 0;
  int requests_ = 0;
  int next_ = 1;
  std::string webhookUrl_, webhookSecret_;
  mutable int nextWebhook_ = 1;
  std::unique_ptr<testing::LoopbackHttpServer> server_;  // last: stopped before the state it reads
};

}  // namespace agape::test
