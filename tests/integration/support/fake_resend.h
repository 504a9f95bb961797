#pragma once
// Resend's email API on loopback for the end-to-end tests, as documented:
// POST /emails with a Bearer re_ key (401/403 otherwise), {from, to, subject,
// text|html, ...} → 200 {"id": uuid}; Idempotency-Key: the same key and body
// answer the first id and send nothing, another body 409
// invalid_idempotent_request; errors as {statusCode, message, name}.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/loopback_http.h"

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

  using Reply = LoopbackReply;
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
  std::unique_ptr<LoopbackHttpServer> server_;  // last: stopped before the state it reads
};

}  // namespace agape::test
