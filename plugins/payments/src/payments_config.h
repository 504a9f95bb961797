#pragma once
#include <chrono>
#include <string>

#include <agape/config.h>

namespace agape::payments {

struct PaymentsConfig {
  // "paystack": the real API at baseUrl with secretKey; "sandbox": the
  // built-in provider (a local checkout page that sends a signed webhook).
  std::string provider = "sandbox";
  // Paystack's secret key (sk_test_… / sk_live_…): authenticates API calls
  // and signs webhooks. The sandbox signs with its own fixed test key.
  std::string secretKey;
  std::string baseUrl = "https://api.paystack.co";
  // Where the provider sends the shopper back after paying (the storefront).
  std::string callbackUrl;
  // This server as a browser reaches it: the sandbox checkout page's links.
  std::string publicBaseUrl = "http://localhost:8080";
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  // The hourly reconciliation asks the provider about this far back.
  std::chrono::milliseconds reconcileLookback = std::chrono::hours(48);
  // A refund the provider never answered is asked about (and sent again if
  // the provider has no record of it) this long after it was sent: longer
  // than `timeout`, so no sending of it can still be in flight.
  std::chrono::milliseconds refundSettleAfter = std::chrono::minutes(2);
  // An accepted refund still pending is asked about this often, in case its
  // webhook was lost (Paystack refunds take days).
  std::chrono::milliseconds refundCheckEvery = std::chrono::hours(1);
  // Idempotency-Keys and webhook keys are kept this long: past Paystack's
  // 72-hour webhook retries.
  std::chrono::milliseconds retention = std::chrono::hours(24 * 7);
  // The daily payments.attention_needed lists amount mismatches changed
  // this recently (refunds due until they are refunded).
  std::chrono::milliseconds attentionLookback = std::chrono::hours(24 * 7);
};

inline constexpr const char* kSandboxSecret = "sk_test_agape_sandbox";

// Strict decode of the `payments:` section; throws agape::ConfigError.
PaymentsConfig decodePaymentsConfig(const ConfigView& section);

// For `environment: production`: throws agape::ConfigError on a setting that
// takes no real money or lets anyone mark an order paid — the sandbox (also
// when `provider` is left out: it is the default) and a Paystack test key.
void refuseDevelopmentSettings(const PaymentsConfig& config, const ConfigView& section);

}  // namespace agape::payments
