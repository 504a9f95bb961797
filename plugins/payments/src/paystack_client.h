#pragma once
// Paystack's REST API over libcurl: POST /transaction/initialize, GET
// /transaction/verify/:reference, GET /transaction (reconciliation), POST
// /refund and GET /refund?transaction= (settling refunds), authenticated
// with the secret key, JSON in and out, the {status, message, data}
// envelope checked.
#include <chrono>

#include "provider.h"

namespace agape::payments {

class PaystackClient final : public PaymentProvider {
 public:
  PaystackClient(std::string baseUrl, std::string secretKey, std::chrono::milliseconds timeout);
  std::string name() const override { return "paystack"; }
  const std::string& webhookSecret() const override { return secretKey_; }
  InitResult initialize(const InitRequest& request) override;
  std::optional<Charge> verify(const std::string& reference) override;
  RefundResult refund(const RefundRequest& request) override;
  std::vector<Charge> successful(long long fromMs, long long toMs) override;
  std::vector<ProviderRefund> refunds(const std::string& reference, const std::string& transactionId) override;

 private:
  struct Reply {
    long status = 0;
    Json body;
  };
  Reply call(const char* method, const std::string& path, const std::string& body) const;

  std::string baseUrl_;
  std::string secretKey_;
  std::chrono::milliseconds timeout_;
};

}  // namespace agape::payments
