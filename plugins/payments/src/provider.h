#pragma once
// A payment provider as the payments plugin uses it: start a checkout,
// ask about a transaction. Paystack (libcurl) and the built-in sandbox.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <agape/json.h>

namespace agape::payments {

struct InitRequest {
  std::string email;
  std::int64_t amount = 0;  // minor units
  std::string currency;
  std::string reference;
  std::string callbackUrl;  // "" for the provider's default
  Json metadata;
};

struct InitResult {
  std::string authorizationUrl;
  std::string accessCode;
  std::string reference;
};

// A transaction as the provider reports it (verify, or a webhook's data).
struct Charge {
  std::string reference;
  std::string status;  // success | failed | abandoned | reversed | anything else: not paid
  std::int64_t amount = 0;
  std::string currency;
  std::string providerId;  // Paystack's transaction id
  std::string channel;
  std::string paidAt;
};

// Parses a verify `data` object or a charge webhook's `data`; nullopt when
// it lacks a reference. Amounts may come as numbers or strings.
std::optional<Charge> chargeFromJson(const Json& data);

struct RefundRequest {
  std::string reference;  // the transaction's
  std::int64_t amount = 0;
  std::string merchantNote;
};

struct RefundResult {
  std::string providerRefundId;
  std::string status;  // pending | processing | processed | failed | needs-attention
};

// A refund as the provider reports it when asked (its list of a
// transaction's refunds).
struct ProviderRefund {
  std::string id;  // the provider's refund id
  std::int64_t amount = 0;
  std::string status;  // pending | processing | processed | failed | needs-attention
};

class ProviderError : public std::runtime_error {
 public:
  // unavailable: the provider could not be reached or failed (5xx, timeout):
  // try again later. Otherwise it refused the request (4xx).
  ProviderError(bool unavailable, const std::string& message)
      : std::runtime_error(message), unavailable_(unavailable) {}
  bool unavailable() const noexcept { return unavailable_; }

 private:
  bool unavailable_;
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string name() const = 0;
  // The key webhooks are signed with (HMAC-SHA512 of the raw body).
  virtual const std::string& webhookSecret() const = 0;
  // Throws ProviderError.
  virtual InitResult initialize(const InitRequest& request) = 0;
  // nullopt when the provider does not know the reference; throws ProviderError.
  virtual std::optional<Charge> verify(const std::string& reference) = 0;
  // Throws ProviderError.
  virtual RefundResult refund(const RefundRequest& request) = 0;
  // The refunds of one transaction (`reference`, and the provider's id for
  // it when known), every page, oldest first; throws ProviderError. For
  // settling refunds whose answer was lost.
  virtual std::vector<ProviderRefund> refunds(const std::string& reference, const std::string& transactionId) = 0;
  // Successful transactions created in [fromMs, toMs), every page; throws
  // ProviderError. For the reconciliation of lost webhooks.
  virtual std::vector<Charge> successful(long long fromMs, long long toMs) = 0;
};

}  // namespace agape::payments
