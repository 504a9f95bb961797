#pragma once
// The `auth:` configuration section, decoded strictly (unknown keys are errors).

#include <chrono>
#include <filesystem>
#include <string>

#include <agape/config.h>

namespace agape::auth {

struct AuthConfig {
  std::string issuer = "Agape";               // shown by authenticator apps (otpauth issuer)
  std::string tokenIssuer = "agape";          // JWT iss
  std::string tokenAudience = "agape";        // JWT aud
  std::chrono::seconds accessTokenTtl{15 * 60};
  std::chrono::seconds refreshTokenTtl{30 * 24 * 3600};
  std::chrono::seconds refreshReuseGrace{10};  // see docs/auth.md, "Concurrent refreshes"
  std::chrono::seconds clockLeeway{30};
  std::filesystem::path keysDir;               // absolute once decoded
  std::string activeKey;                       // empty: the newest key file signs
  bool generateKeys = false;                   // development: create a key pair when none exists
  int bcryptCost = 12;
  int lockoutThreshold = 5;
  std::chrono::seconds lockoutDuration{15 * 60};
  std::chrono::seconds emailVerificationTtl{24 * 3600};
  std::chrono::seconds passwordResetTtl{3600};
  std::string publicBaseUrl = "http://localhost:3000";  // storefront links in emails, no trailing '/'
  std::chrono::milliseconds revocationPoll{5000};
  // Running servers read keysDir again this often; a new key signs once it
  // has been there keyActivation (by then every instance publishes it).
  std::chrono::seconds keysReload{10};
  std::chrono::seconds keyActivation{30};
};

// Relative paths in the section resolve against the directory of the file
// it came from (taken from the node's location), else the working directory.
AuthConfig decodeAuthConfig(const ConfigView& section);

}  // namespace agape::auth
