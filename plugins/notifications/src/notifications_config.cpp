#include "notifications_config.h"

#include "svix_signature.h"

namespace agape::notifications {
namespace {

bool isRoleName(const std::string& r) {
  if (r.empty() || r.size() > 64) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

StaffAlertsConfig decodeStaffAlerts(const ConfigView& section) {
  StaffAlertsConfig c;
  ConfigDecoder d(section);
  c.addresses = d.strings("addresses", c.addresses);
  c.roles = d.strings("roles", c.roles);
  c.lowStockEvery = d.duration("lowStockEvery", c.lowStockEvery);
  c.lowStockDigest = d.boolean("lowStockDigest", c.lowStockDigest);
  d.finish();
  for (std::size_t i = 0; i < c.addresses.size(); ++i) {
    const auto at = c.addresses[i].find('@');
    if (at == std::string::npos || at == 0 || at + 1 == c.addresses[i].size() ||
        c.addresses[i].find_first_of(" <>,") != std::string::npos)
      section.child("addresses")->at(i)->fail("must be a bare email address, e.g. ops@shop.ng");
  }
  for (std::size_t i = 0; i < c.roles.size(); ++i)
    if (!isRoleName(c.roles[i])) section.child("roles")->at(i)->fail("must be a role name, e.g. admin");
  if (c.lowStockEvery < std::chrono::minutes(1) || c.lowStockEvery > std::chrono::hours(24 * 30))
    section.child("lowStockEvery")->fail("must be between 1m and 30d");
  return c;
}

}  // namespace

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
  if (auto resend = d.section("resend"); resend->present()) {
    ConfigDecoder r(*resend);
    c.webhookSecret = r.string("webhookSecret", "");
    r.finish();
    // Never the value in the message: it is a secret.
    if (!c.webhookSecret.empty() && !svixKey(c.webhookSecret))
      resend->child("webhookSecret")->fail("must be the webhook's signing secret as Resend shows it (whsec_...)");
  }
  if (auto alerts = d.section("staffAlerts"); alerts->present()) c.staffAlerts = decodeStaffAlerts(*alerts);
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
