#include "auth_config.h"

#include <cctype>

namespace agape::auth {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

seconds durationIn(ConfigDecoder& d, std::string_view key, seconds fallback, seconds min, seconds max,
                   const std::string& range) {
  auto value = duration_cast<seconds>(d.duration(key, fallback));
  if (value < min || value > max) d.view().child(key)->fail("must be between " + range);
  return value;
}


}  // namespace

AuthConfig decodeAuthConfig(const ConfigView& section) {
  AuthConfig c;
  ConfigDecoder d(section);
  c.issuer = d.string("issuer", c.issuer);
  if (c.issuer.empty() || c.issuer.find(':') != std::string::npos)
    section.child("issuer")->fail("must be non-empty and contain no ':' (it prefixes the otpauth label)");
  c.tokenIssuer = d.string("tokenIssuer", c.tokenIssuer);
  if (c.tokenIssuer.empty()) section.child("tokenIssuer")->fail("must not be empty");
  c.tokenAudience = d.string("tokenAudience", c.tokenAudience);
  if (c.tokenAudience.empty()) section.child("tokenAudience")->fail("must not be empty");
  c.accessTokenTtl = durationIn(d, "accessTokenTtl", c.accessTokenTtl, seconds(60), seconds(24 * 3600), "1m and 24h");
  c.refreshTokenTtl =
      durationIn(d, "refreshTokenTtl", c.refreshTokenTtl, seconds(3600), seconds(365 * 24 * 3600), "1h and 365d");
  c.refreshReuseGrace = durationIn(d, "refreshReuseGrace", c.refreshReuseGrace, seconds(0), seconds(60), "0s and 60s");
  c.clockLeeway = durationIn(d, "clockLeeway", c.clockLeeway, seconds(0), seconds(300), "0s and 5m");

  std::string keysDir = d.string("keysDir", "auth-keys");
  if (keysDir.empty()) section.child("keysDir")->fail("must not be empty");
  c.keysDir = configPath(section, "keysDir", keysDir);
  c.activeKey = d.string("activeKey", "");
  c.generateKeys = d.boolean("generateKeys", c.generateKeys);

  c.bcryptCost = static_cast<int>(d.integer("bcryptCost", c.bcryptCost, 4, 31));
  c.lockoutThreshold = static_cast<int>(d.integer("lockoutThreshold", c.lockoutThreshold, 1, 100));
  c.lockoutDuration = durationIn(d, "lockoutDuration", c.lockoutDuration, seconds(1), seconds(24 * 3600), "1s and 24h");
  c.emailVerificationTtl =
      durationIn(d, "emailVerificationTtl", c.emailVerificationTtl, seconds(60), seconds(30 * 24 * 3600), "1m and 30d");
  c.passwordResetTtl =
      durationIn(d, "passwordResetTtl", c.passwordResetTtl, seconds(60), seconds(24 * 3600), "1m and 24h");

  c.publicBaseUrl = d.string("publicBaseUrl", c.publicBaseUrl);
  if (c.publicBaseUrl.rfind("http://", 0) != 0 && c.publicBaseUrl.rfind("https://", 0) != 0)
    section.child("publicBaseUrl")->fail("must start with http:// or https://");
  while (c.publicBaseUrl.ends_with('/')) c.publicBaseUrl.pop_back();

  c.revocationPoll = d.duration("revocationPoll", c.revocationPoll);
  if (c.revocationPoll < milliseconds(100) || c.revocationPoll > milliseconds(60000))
    section.child("revocationPoll")->fail("must be between 100ms and 1m");
  c.keysReload = durationIn(d, "keysReload", c.keysReload, seconds(1), seconds(300), "1s and 5m");
  c.keyActivation = durationIn(d, "keyActivation", c.keyActivation, seconds(0), seconds(3600), "0s and 1h");
  if (c.keyActivation < 2 * c.keysReload)
    section.child("keyActivation")->fail("must be at least twice keysReload, so every instance publishes a new key "
                                         "before any signs with it");
  d.finish();
  return c;
}

}  // namespace agape::auth
