#pragma once
// The built-in provider for development and demos, no account needed: a
// checkout page on this server (GET /v1/sandbox/checkout/:reference) whose
// "Pay" button marks the charge paid and delivers a charge.success webhook
// signed with the sandbox key, through the same webhook route Paystack uses.
#include <agape/db.h>

#include "payments_config.h"
#include "provider.h"

namespace agape::payments {

class SandboxProvider final : public PaymentProvider {
 public:
  SandboxProvider(Database& db, std::string publicBaseUrl) : db_(db), publicBaseUrl_(std::move(publicBaseUrl)) {}
  std::string name() const override { return "sandbox"; }
  const std::string& webhookSecret() const override { return secret_; }
  InitResult initialize(const InitRequest& request) override;
  std::optional<Charge> verify(const std::string& reference) override;
  // Processed at once: the sandbox holds no money.
  RefundResult refund(const RefundRequest& request) override;
  // Every paid sandbox charge (the sandbox keeps no creation time).
  std::vector<Charge> successful(long long fromMs, long long toMs) override;
  std::vector<ProviderRefund> refunds(const std::string& reference, const std::string& transactionId) override;

  // The checkout page's "Pay": the charge succeeds (once); the webhook body
  // to deliver, or nullopt for an unknown reference.
  std::optional<std::string> pay(const std::string& reference, const std::string& paidAt);
  std::optional<Charge> find(Tx& tx, const std::string& reference) const;

 private:
  Database& db_;
  std::string publicBaseUrl_;
  const std::string secret_ = kSandboxSecret;
};

}  // namespace agape::payments
