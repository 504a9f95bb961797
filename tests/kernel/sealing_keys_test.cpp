// SecretBox on files of keys: AES-256-GCM sealing bound to a purpose,
// rotation by a newer key file, and refusal of anything altered.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <agape/config.h>

#include "db_test_support.h"
#include "secrets/sealing_keys.h"

namespace agape::kernel {
namespace {
namespace fs = std::filesystem;

TEST(SealingKeysTest, SealsAndOpensForTheSamePurposeOnly) {
  testing::TempDir dir;
  const auto keys = SealingKeys::load(dir.path() / "secrets", true);
  const std::string sealed = keys->seal("JBSWY3DPEHPK3PXP", "auth.totp:u1");
  EXPECT_EQ(sealed.rfind("sb1." + keys->currentKeyId() + ".", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find("JBSWY3DPEHPK3PXP"), std::string::npos);
  EXPECT_NE(keys->seal("JBSWY3DPEHPK3PXP", "auth.totp:u1"), sealed);  // a fresh nonce each time
  EXPECT_EQ(keys->open(sealed, "auth.totp:u1"), "JBSWY3DPEHPK3PXP");
  EXPECT_EQ(keys->open(sealed, "auth.totp:u2"), std::nullopt);  // copied to another user's row
  EXPECT_EQ(keys->open(keys->seal("", "p"), "p"), "");
}

TEST(SealingKeysTest, AnyAlteredByteOrMalformedTextDoesNotOpen) {
  testing::TempDir dir;
  const auto keys = SealingKeys::load(dir.path(), true);
  const std::string sealed = keys->seal("https://shop.ng/reset-password?token=abc", "link");
  for (std::size_t i = sealed.rfind('.') + 1; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(keys->open(bad, "link"), std::nullopt) << i;
  }
  for (const std::string& bad : {std::string(), std::string("sb1."), std::string("sb1.x.y"), std::string("plain text"),
                                sealed.substr(0, sealed.size() - 4), "sb2" + sealed.substr(3)})
    EXPECT_EQ(keys->open(bad, "link"), std::nullopt) << bad;
}

TEST(SealingKeysTest, ANewerKeySealsAfterARestartAndOlderValuesStillOpen) {
  testing::TempDir dir;
  const fs::path secrets = dir.path() / "secrets";
  const auto first = SealingKeys::load(secrets, true);
  const std::string old = first->seal("s", "p");
  EXPECT_EQ(fs::status(secrets).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  const fs::path added = SealingKeys::addKey(secrets);
  EXPECT_EQ(fs::status(added).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  // The running instance opens what the new key sealed elsewhere (it reads the directory again).
  const auto second = SealingKeys::load(secrets, false);
  EXPECT_EQ(second->currentKeyId(), added.stem().string());
  const std::string fresh = second->seal("t", "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // re-reads are at most once a second
  EXPECT_EQ(first->open(fresh, "p"), "t");
  EXPECT_EQ(second->open(old, "p"), "s");
  EXPECT_TRUE(second->isCurrent(fresh));
  EXPECT_FALSE(second->isCurrent(old));
}

// Servers starting together in development: none reads half a key, and
// each opens what the others sealed.
TEST(SealingKeysTest, ServersStartingTogetherShareTheirFirstKeys) {
  testing::TempDir dir;
  std::vector<std::shared_ptr<SealingKeys>> loaded(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < loaded.size(); ++i)
    threads.emplace_back([&, i] { loaded[i] = SealingKeys::load(dir.path() / "secrets", true); });
  for (auto& t : threads) t.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (const auto& a : loaded)
    for (const auto& b : loaded) EXPECT_EQ(b->open(a->seal("x", "p"), "p"), "x");
}

TEST(SealingKeysTest, ProductionNeedsAKeyAndABrokenKeyFileIsAConfigError) {
  testing::TempDir dir;
  try {
    SealingKeys::load(dir.path() / "none", false);
    FAIL() << "loaded without a key";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("agape secrets rotate"), std::string::npos) << e.what();
  }
  std::ofstream(dir.path() / "bad.key") << "c2hvcnQ=\n";
  EXPECT_THROW(SealingKeys::load(dir.path(), true), ConfigError);
}

}  // namespace
}  // namespace agape::kernel
