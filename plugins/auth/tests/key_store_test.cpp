// The key directory: development generation, production refusal, newest
// wins, an explicit active key, retirement.
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

#include <agape/problem.h>
#include <agape/testing/manual_clock.h>
#include <agape/testing/temp_dir.h>

#include "key_store.h"
#include "token_authenticator.h"

namespace agape::auth {
namespace {

namespace fs = std::filesystem;
using agape::testing::TempDir;

TEST(KeyStore, DevelopmentGeneratesAPrivateKeyReadableOnlyByTheOwner) {
  TempDir tmp;
  fs::path dir = tmp.path() / "keys";
  auto set = loadKeySet({dir, "", true, 2048});
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_TRUE(set->active().hasPrivate());
  EXPECT_EQ(set->active().bits(), 2048);
  struct stat st {};
  ASSERT_EQ(::stat(set->activePath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second start reuses it.
  EXPECT_EQ(loadKeySet({dir, "", true, 2048})->active().kid(), set->active().kid());
  EXPECT_EQ(set->jwks()["keys"].size(), 1u);
  EXPECT_EQ(set->jwks()["keys"][0]["kid"], set->active().kid());
  EXPECT_FALSE(set->jwks()["keys"][0].contains("d"));
}

TEST(KeyStore, ProductionWithoutKeysRefusesToStart) {
  TempDir tmp;
  try {
    loadKeySet({tmp.path() / "keys", "", false, 2048});
    FAIL() << "started without a key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no private signing key in " + (tmp.path() / "keys").string()),
              std::string::npos)
        << e.what();
  }
}

TEST(KeyStore, NewestKeySignsAndOlderKeysStayInTheJwks) {
  TempDir tmp;
  fs::path dir = tmp.path() / "keys";
  fs::path first = writeNewSigningKey(dir);
  fs::last_write_time(first, fs::file_time_type::clock::now() - std::chrono::hours(1));
  fs::path second = writeNewSigningKey(dir);
  auto set = loadKeySet({dir, "", false, 2048});
  EXPECT_EQ(set->activePath(), second);
  EXPECT_EQ(set->jwks()["keys"].size(), 2u);
  EXPECT_EQ(set->jwks()["keys"][0]["kid"], set->active().kid());
  // An explicit choice, by file name or by kid.
  auto pinned = loadKeySet({dir, first.stem().string(), false, 2048});
  EXPECT_EQ(pinned->activePath(), first);
  EXPECT_EQ(loadKeySet({dir, pinned->active().kid(), false, 2048})->activePath(), first);
  EXPECT_THROW(loadKeySet({dir, "nope", false, 2048}), std::runtime_error);
}

// Rotation without a restart: a new key is published at the next reload and
// signs only once it is activationDelay old, by then on every instance.
TEST(KeyStore, ANewKeyIsPublishedAtOnceAndSignsAfterTheActivationDelay) {
  TempDir tmp;
  fs::path dir = tmp.path() / "keys";
  fs::path first = writeNewSigningKey(dir);
  const KeyStoreOptions options{.dir = dir, .activationDelay = std::chrono::seconds(30)};
  KeyRing ring(options, loadKeySet(options));
  EXPECT_EQ(ring.current()->activePath(), first) << "a first key signs at once";
  EXPECT_FALSE(ring.reload());
  fs::path second = writeNewSigningKey(dir);
  ASSERT_TRUE(ring.reload());
  EXPECT_EQ(ring.current()->activePath(), first) << "of two new keys, the older signs";
  fs::last_write_time(first, fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_FALSE(ring.reload());
  auto published = ring.current();
  EXPECT_EQ(published->activePath(), first) << "published, not yet signing";
  EXPECT_EQ(published->jwks()["keys"].size(), 2u);
  EXPECT_NE(published->find(loadKeySet({.dir = dir})->active().kid()), nullptr);
  fs::last_write_time(second, fs::file_time_type::clock::now() - std::chrono::seconds(31));
  ASSERT_TRUE(ring.reload());
  EXPECT_EQ(ring.current()->activePath(), second);
  EXPECT_EQ(published->activePath(), first) << "a snapshot taken before stays whole";
  // A broken directory keeps the keys loaded.
  tmp.write("keys/broken.pem", "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n");
  EXPECT_THROW(ring.reload(), std::runtime_error);
  EXPECT_EQ(ring.current()->activePath(), second);
}

TEST(KeyStore, RetiredKeysArePrunedOnlyAfterTheirTokensExpired) {
  TempDir tmp;
  fs::path dir = tmp.path() / "keys";
  fs::path old = writeNewSigningKey(dir);
  fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::path current = writeNewSigningKey(dir);
  EXPECT_TRUE(pruneRetiredKeys(dir, std::chrono::minutes(15)).empty());  // retired seconds ago
  fs::last_write_time(current, fs::file_time_type::clock::now() - std::chrono::hours(1));
  auto removed = pruneRetiredKeys(dir, std::chrono::minutes(15));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], old);
  EXPECT_TRUE(fs::exists(current));
}

TEST(KeyStore, UnreadableKeyFileIsAnError) {
  TempDir tmp;
  tmp.write("keys/broken.pem", "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n");
  EXPECT_THROW(loadKeySet({tmp.path() / "keys", "", true, 2048}), std::runtime_error);
}

TEST(TokenAuthenticator, BearerTokensBecomePrincipalsAndRevokedSessionsAreRefused) {
  TempDir tmp;
  auto keys = loadKeySet({tmp.path() / "keys", "", true, 2048});
  testing::ManualClock clock;
  auto revoked = std::make_shared<RevocationList>();
  TokenRules rules{"agape", "agape", std::chrono::seconds(30)};
  TokenAuthenticator auth(std::make_shared<KeyRing>(KeyStoreOptions{.dir = tmp.path() / "keys"}, keys), rules, clock,
                          revoked);
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  std::string token = signAccessToken(keys->active(), rules, {"u1", "s1", {"admin"}, "j1", now, now + 900});

  Request req;
  EXPECT_FALSE(auth.authenticate(req));
  req.headers.set("Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_FALSE(auth.authenticate(req));
  req.headers.set("Authorization", "Bearer " + token);
  auto p = auth.authenticate(req);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->id, "u1");
  EXPECT_EQ(p->sessionId, "s1");
  EXPECT_TRUE(p->hasRole("admin"));

  auto codeOf = [&]() -> std::string {
    try {
      auth.authenticate(req);
    } catch (const Problem& e) {
      EXPECT_EQ(e.status(), 401);
      return e.code();
    }
    return "accepted";
  };
  revoked->add("s1", now);
  EXPECT_EQ(codeOf(), "unauthorized");
  revoked->pruneBefore(now + 1);
  EXPECT_EQ(codeOf(), "accepted");
  clock.advance(std::chrono::seconds(900 + 30));
  EXPECT_EQ(codeOf(), "token_expired");
  req.headers.set("Authorization", "Bearer garbage");
  EXPECT_EQ(codeOf(), "unauthorized");
}

}  // namespace
}  // namespace agape::auth
