// The auth: section is decoded strictly, with messages naming key and place.
#include <gtest/gtest.h>

#include <filesystem>

#include <agape/testing/config_text.h>

#include "auth_config.h"

namespace agape::auth {
namespace {

AuthConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "auth", decodeAuthConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "auth", decodeAuthConfig); }

TEST(AuthConfig, DefaultsWhenAbsent) {
  AuthConfig c = decode("other: 1\n");
  EXPECT_EQ(c.issuer, "Agape");
  EXPECT_EQ(c.accessTokenTtl, std::chrono::minutes(15));
  EXPECT_EQ(c.refreshTokenTtl, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.bcryptCost, 12);
  EXPECT_EQ(c.lockoutThreshold, 5);
  EXPECT_EQ(c.lockoutDuration, std::chrono::minutes(15));
  EXPECT_EQ(c.emailVerificationTtl, std::chrono::hours(24));
  EXPECT_EQ(c.passwordResetTtl, std::chrono::hours(1));
  EXPECT_FALSE(c.generateKeys);
  // No section: relative to the working directory; a section in a file: relative to the file.
  EXPECT_EQ(c.keysDir, std::filesystem::current_path() / "auth-keys");
  EXPECT_EQ(decode("auth: {}\n").keysDir, std::filesystem::path("/etc/agape/auth-keys"));
}

TEST(AuthConfig, ReadsEveryKey) {
  AuthConfig c = decode(
      "auth:\n"
      "  issuer: Agape Fashion\n"
      "  tokenIssuer: https://api.agape.ng\n"
      "  tokenAudience: storefront\n"
      "  accessTokenTtl: 5m\n"
      "  refreshTokenTtl: 7d\n"
      "  refreshReuseGrace: 3s\n"
      "  clockLeeway: 10s\n"
      "  keysDir: ../keys\n"
      "  activeKey: 2026-key\n"
      "  generateKeys: true\n"
      "  bcryptCost: 4\n"
      "  lockoutThreshold: 3\n"
      "  lockoutDuration: 1m\n"
      "  emailVerificationTtl: 48h\n"
      "  passwordResetTtl: 30m\n"
      "  publicBaseUrl: https://shop.agape.ng/\n"
      "  revocationPoll: 2s\n");
  EXPECT_EQ(c.issuer, "Agape Fashion");
  EXPECT_EQ(c.tokenIssuer, "https://api.agape.ng");
  EXPECT_EQ(c.tokenAudience, "storefront");
  EXPECT_EQ(c.accessTokenTtl, std::chrono::minutes(5));
  EXPECT_EQ(c.refreshTokenTtl, std::chrono::hours(24 * 7));
  EXPECT_EQ(c.refreshReuseGrace, std::chrono::seconds(3));
  EXPECT_EQ(c.clockLeeway, std::chrono::seconds(10));
  EXPECT_EQ(c.keysDir, std::filesystem::path("/etc/keys"));
  EXPECT_EQ(c.activeKey, "2026-key");
  EXPECT_TRUE(c.generateKeys);
  EXPECT_EQ(c.bcryptCost, 4);
  EXPECT_EQ(c.lockoutThreshold, 3);
  EXPECT_EQ(c.lockoutDuration, std::chrono::minutes(1));
  EXPECT_EQ(c.emailVerificationTtl, std::chrono::hours(48));
  EXPECT_EQ(c.passwordResetTtl, std::chrono::minutes(30));
  EXPECT_EQ(c.publicBaseUrl, "https://shop.agape.ng");
  EXPECT_EQ(c.revocationPoll, std::chrono::seconds(2));
  EXPECT_EQ(decode("auth:\n  keysDir: /var/lib/agape/keys\n").keysDir, std::filesystem::path("/var/lib/agape/keys"));
}

TEST(AuthConfig, ExactErrorMessages) {
  EXPECT_EQ(errorOf("auth:\n  bcryptCost: 3\n"), "auth.bcryptCost: must be between 4 and 31 (/etc/agape/agape.yaml:2:15)");
  EXPECT_EQ(errorOf("auth:\n  accesTokenTtl: 5m\n"), "auth.accesTokenTtl: unknown key (/etc/agape/agape.yaml:2:18)");
  EXPECT_EQ(errorOf("auth:\n  accessTokenTtl: 10s\n"),
            "auth.accessTokenTtl: must be between 1m and 24h (/etc/agape/agape.yaml:2:19)");
  EXPECT_EQ(errorOf("auth:\n  accessTokenTtl: soon\n"),
            "auth.accessTokenTtl: must be a duration such as 250ms, 30s, 15m, 24h or 30d (/etc/agape/agape.yaml:2:19)");
  EXPECT_EQ(errorOf("auth:\n  issuer: \"Agape: Lagos\"\n"),
            "auth.issuer: must be non-empty and contain no ':' (it prefixes the otpauth label) "
            "(/etc/agape/agape.yaml:2:11)");
  EXPECT_EQ(errorOf("auth:\n  publicBaseUrl: shop.agape.ng\n"),
            "auth.publicBaseUrl: must start with http:// or https:// (/etc/agape/agape.yaml:2:18)");
  EXPECT_EQ(errorOf("auth:\n  generateKeys: maybe\n"),
            "auth.generateKeys: must be true or false (/etc/agape/agape.yaml:2:17)");
  EXPECT_EQ(errorOf("auth:\n  refreshReuseGrace: 2m\n"),
            "auth.refreshReuseGrace: must be between 0s and 60s (/etc/agape/agape.yaml:2:22)");
}

AuthConfig decodeShipped(const std::string& name) {
  const auto file = agape::testing::ConfigText::load(std::string(AGAPE_SOURCE_DIR) + "/config/" + name);
  return decodeAuthConfig(*file.section("auth"));
}

TEST(AuthConfig, ShippedFiles) {
  AuthConfig dev = decodeShipped("agape.yaml");
  EXPECT_TRUE(dev.generateKeys);
  EXPECT_EQ(dev.keysDir, std::filesystem::path(AGAPE_SOURCE_DIR).lexically_normal() / "data/auth-keys");
  AuthConfig prod = decodeShipped("agape.production.yaml");
  EXPECT_FALSE(prod.generateKeys);  // production never makes its own keys
  EXPECT_EQ(prod.keysDir, std::filesystem::path("/var/lib/agape/auth-keys"));
  EXPECT_EQ(prod.bcryptCost, 12);
  EXPECT_EQ(prod.publicBaseUrl.rfind("https://", 0), 0u);
}

}  // namespace
}  // namespace agape::auth
