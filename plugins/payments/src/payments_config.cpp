#include "payments_config.h"

namespace agape::payments {
PaymentsConfig decodePaymentsConfig(const ConfigView& section) {
  PaymentsConfig c;
  ConfigDecoder d(section);
  c.provider = d.choice("provider", c.provider, {"sandbox", "paystack"});
  c.secretKey = d.string("secretKey", "");
  c.baseUrl = d.baseUrl("baseUrl", c.baseUrl);
  c.callbackUrl = d.string("callbackUrl", "");
  c.publicBaseUrl = d.baseUrl("publicBaseUrl", c.publicBaseUrl);
  c.timeout = d.duration("timeout", c.timeout);
  c.reconcileLookback = d.duration("reconcileLookback", c.reconcileLookback);
  c.refundSettleAfter = d.duration("refundSettleAfter", c.refundSettleAfter);
  c.refundCheckEvery = d.duration("refundCheckEvery", c.refundCheckEvery);
  c.retention = d.duration("retention", c.retention);
  c.attentionLookback = d.duration("attentionLookback", c.attentionLookback);
  d.finish();
  if (c.provider == "paystack" && c.secretKey.rfind("sk_", 0) != 0) {
    // Named where the operator wrote something: the key, else the provider.
    const auto key = section.child("secretKey");
    (key->present() ? *key : *section.child("provider"))
        .fail("the paystack provider needs secretKey, Paystack's secret key (sk_test_... or sk_live_...)");
  }
  if (c.provider == "sandbox") c.secretKey = kSandboxSecret;
  // The storefront's return page: any URL (an app's own scheme too).
  if (!c.callbackUrl.empty() && c.callbackUrl.find("://") == std::string::npos)
    section.child("callbackUrl")->fail("must be a URL (scheme://...)");
  if (c.timeout < std::chrono::seconds(1) || c.timeout > std::chrono::seconds(60))
    section.child("timeout")->fail("must be between 1s and 60s");
  if (c.reconcileLookback < std::chrono::hours(1) || c.reconcileLookback > std::chrono::hours(24 * 30))
    section.child("reconcileLookback")->fail("must be between 1h and 30d");
  if (c.refundSettleAfter <= c.timeout || c.refundSettleAfter > std::chrono::hours(24))
    section.child("refundSettleAfter")->fail("must be longer than payments.timeout and at most 24h");
  if (c.refundCheckEvery < std::chrono::minutes(1) || c.refundCheckEvery > std::chrono::hours(24 * 7))
    section.child("refundCheckEvery")->fail("must be between 1m and 7d");
  if (c.retention < std::chrono::hours(96) || c.retention > std::chrono::hours(24 * 365))
    section.child("retention")->fail("must be between 4d (past the provider's 72h webhook retries) and 365d");
  if (c.attentionLookback < std::chrono::hours(24) || c.attentionLookback > std::chrono::hours(24 * 365))
    section.child("attentionLookback")->fail("must be between 1d and 365d");
  return c;
}

void refuseDevelopmentSettings(const PaymentsConfig& config, const ConfigView& section) {
  const auto provider = section.child("provider");
  // Its webhook key is public: any customer could sign a charge.success for
  // their own order, or press the sandbox's Pay button.
  if (config.provider == "sandbox")
    provider->fail(std::string(provider->present() ? "the sandbox provider"
                                                   : "not set, so the sandbox provider (the default)") +
                   " would let anyone mark an order paid; production needs provider: paystack with a live "
                   "secretKey (sk_live_...)");
  if (config.secretKey.rfind("sk_test_", 0) == 0)
    section.child("secretKey")
        ->fail("a Paystack test key (sk_test_...) takes no real money; production needs the live secret key "
               "(sk_live_...)");
}

}  // namespace agape::payments
