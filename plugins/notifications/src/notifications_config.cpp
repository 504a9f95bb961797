#include "notifications_config.h"

namespace agape::notifications {

NotificationsConfig decodeNotificationsConfig(const ConfigView& section) {
  NotificationsConfig c;
  ConfigDecoder d(section);
  c.provider = d.choice("provider", c.provider, {"outbox", "resend"});
  c.apiKey = d.string("apiKey", "");
  c.baseUrl = d.baseUrl("baseUrl", c.baseUrl);
  c.from = d.string("from", c.from);
  c.replyTo = d.string("replyTo", "");
  c.storefrontUrl = d.baseUrl("storefrontUrl", c.storefrontUrl);
  c.timeout = d.duration("timeout", c.timeout);
  d.finish();
  if (c.provider == "resend" && c.apiKey.rfind("re_", 0) != 0) {
    const auto key = section.child("apiKey");
    (key->present() ? *key : *section.child("provider")).fail("the resend provider needs apiKey, a Resend API key (re_...)");
  }
  if (c.from.find('@') == std::string::npos) section.child("from")->fail("must be an address, e.g. Shop <orders@shop.ng>");
  if (c.timeout < std::chrono::seconds(1) || c.timeout > std::chrono::seconds(60))
    section.child("timeout")->fail("must be between 1s and 60s");
  return c;
}

}  // namespace agape::notifications
