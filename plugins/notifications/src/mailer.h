#pragma once
// Where emails go: Resend's API (libcurl) or the local outbox.
#include <chrono>
#include <stdexcept>
#include <string>

#include "messages.h"

namespace agape::notifications {

// A failure retrying cannot fix (rejected address, bad key): the delivery
// is marked failed instead of retried.
class PermanentFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual std::string name() const = 0;
  // The provider's message id. Throws PermanentFailure, or std::runtime_error
  // for a failure worth retrying (network, 429, 5xx). `idempotencyKey` makes
  // a repeated call send nothing twice.
  virtual std::string send(const Message& m, const std::string& idempotencyKey) = 0;
};

class OutboxMailer final : public Mailer {
 public:
  std::string name() const override { return "outbox"; }
  std::string send(const Message&, const std::string& idempotencyKey) override { return "outbox-" + idempotencyKey; }
};

class ResendMailer final : public Mailer {
 public:
  ResendMailer(std::string baseUrl, std::string apiKey, std::string from, std::string replyTo,
               std::chrono::milliseconds timeout);
  std::string name() const override { return "resend"; }
  std::string send(const Message& m, const std::string& idempotencyKey) override;

 private:
  std::string baseUrl_, apiKey_, from_, replyTo_;
  std::chrono::milliseconds timeout_;
};

}  // namespace agape::notifications
