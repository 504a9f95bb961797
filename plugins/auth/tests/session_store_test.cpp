// Refresh-token rotation, the grace window, reuse detection and one-time
// tokens against a real database: SQLite always, PostgreSQL when
// AGAPE_TEST_PG_URL is set.
#include <gtest/gtest.h>

#include <thread>

#include <agape/clock.h>
#include <agape/testing/database_test.h>

#include "one_time_tokens.h"
#include "session_store.h"
#include "user_store.h"

namespace agape::auth {
namespace {

constexpr long long kT0 = 1'800'000'000;
constexpr long long kTtl = 30LL * 24 * 3600;
constexpr long long kGrace = 10;

class SessionStoreTest : public agape::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    database_ = makeDatabase({{"auth", AGAPE_AUTH_MIGRATIONS}});
    db_ = &database_->db();
    db_->run([&](Tx& tx) {
      insertUser(tx, NewUser{"u1", "ada@example.ng", "$2b$04$x", "Ada", "Obi", std::nullopt}, kT0);
      insertUser(tx, NewUser{"u2", "bola@example.ng", "$2b$04$x", "Bola", "Ade", std::nullopt}, kT0);
    });
  }

  NewSession login(const std::string& sid = "s1", const std::string& user = "u1") {
    return db_->run([&](Tx& tx) { return store_.create(tx, sid, user, "Firefox", "10.0.0.1", kT0); });
  }
  RefreshResult refresh(const std::string& token, long long at) {
    return db_->run([&](Tx& tx) { return store_.refresh(tx, token, "Chrome", "10.0.0.2", at); });
  }
  bool active(const std::string& sid, long long at = kT0 + 100) {
    return db_->read([&](Tx& tx) { return store_.listActive(tx, "u1", at); }).size() > 0 &&
           db_->read([&](Tx& tx) {
             for (const auto& s : store_.listActive(tx, "u1", at))
               if (s.id == sid) return true;
             return false;
           });
  }

  SessionStore store_{"test-secret", kTtl, kGrace};
  std::unique_ptr<agape::testing::TestDatabase> database_;
  Database* db_ = nullptr;
};

TEST_P(SessionStoreTest, TokensAreStoredOnlyAsHashes) {
  NewSession s = login();
  EXPECT_EQ(s.refreshToken.size(), 43u);  // 256 bits, base64url
  auto rows = db_->read([&](Tx& tx) { return tx.query("SELECT token_hash FROM auth_refresh_tokens"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].text("token_hash"), s.refreshToken);
  EXPECT_EQ(rows[0].text("token_hash").size(), 64u);
}

TEST_P(SessionStoreTest, EveryUseRotates) {
  NewSession s = login();
  RefreshResult r1 = refresh(s.refreshToken, kT0 + 60);
  ASSERT_EQ(r1.status, RefreshStatus::Rotated);
  EXPECT_EQ(r1.sessionId, "s1");
  EXPECT_EQ(r1.userId, "u1");
  EXPECT_NE(r1.refreshToken, s.refreshToken);
  RefreshResult r2 = refresh(r1.refreshToken, kT0 + 120);
  ASSERT_EQ(r2.status, RefreshStatus::Rotated);
  EXPECT_NE(r2.refreshToken, r1.refreshToken);
  auto info = db_->read([&](Tx& tx) { return store_.find(tx, "s1"); });
  ASSERT_TRUE(info);
  EXPECT_EQ(info->lastUsedAt, kT0 + 120);
  EXPECT_EQ(info->userAgent, "Chrome");
  EXPECT_EQ(info->expiresAt, kT0 + 120 + kTtl);
}

TEST_P(SessionStoreTest, PreviousTokenWithinGraceGivesTheSameSuccessor) {
  NewSession s = login();
  RefreshResult first = refresh(s.refreshToken, kT0 + 60);
  RefreshResult second = refresh(s.refreshToken, kT0 + 60 + kGrace);
  ASSERT_EQ(second.status, RefreshStatus::Repeated);
  EXPECT_EQ(second.refreshToken, first.refreshToken);
  EXPECT_TRUE(active("s1"));
  EXPECT_EQ(refresh(first.refreshToken, kT0 + 80).status, RefreshStatus::Rotated);
}

TEST_P(SessionStoreTest, ReuseAfterGraceRevokesTheSession) {
  NewSession s = login();
  RefreshResult first = refresh(s.refreshToken, kT0 + 60);
  RefreshResult reuse = refresh(s.refreshToken, kT0 + 60 + kGrace + 1);
  EXPECT_EQ(reuse.status, RefreshStatus::Reused);
  EXPECT_EQ(reuse.sessionId, "s1");
  EXPECT_FALSE(active("s1"));
  // The legitimate holder's token dies with the session.
  EXPECT_EQ(refresh(first.refreshToken, kT0 + 200).status, RefreshStatus::Invalid);
  auto revoked = db_->read([&](Tx& tx) { return SessionStore::revokedSince(tx, kT0); });
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].first, "s1");
}

TEST_P(SessionStoreTest, ReuseOfAnOlderTokenEvenWithinGraceRevokes) {
  NewSession s = login();
  RefreshResult r1 = refresh(s.refreshToken, kT0 + 60);
  RefreshResult r2 = refresh(r1.refreshToken, kT0 + 61);
  ASSERT_EQ(r2.status, RefreshStatus::Rotated);
  // s.refreshToken's successor (r1) is no longer current: that is reuse, not a race.
  EXPECT_EQ(refresh(s.refreshToken, kT0 + 62).status, RefreshStatus::Reused);
  EXPECT_FALSE(active("s1"));
}

TEST_P(SessionStoreTest, UnknownExpiredAndRevokedTokensAreInvalid) {
  EXPECT_EQ(refresh("not-a-token", kT0).status, RefreshStatus::Invalid);
  NewSession s = login();
  EXPECT_EQ(refresh(s.refreshToken, kT0 + kTtl).status, RefreshStatus::Invalid);
  NewSession other = login("s2");
  db_->run([&](Tx& tx) { EXPECT_TRUE(store_.revoke(tx, "s2", "logout", kT0 + 5)); });
  EXPECT_EQ(refresh(other.refreshToken, kT0 + 10).status, RefreshStatus::Invalid);
}

TEST_P(SessionStoreTest, ConcurrentRefreshesBothSucceedWithOneSuccessor) {
  NewSession s = login();
  RefreshResult a, b;
  std::thread ta([&] { a = refresh(s.refreshToken, kT0 + 60); });
  std::thread tb([&] { b = refresh(s.refreshToken, kT0 + 60); });
  ta.join();
  tb.join();
  EXPECT_TRUE((a.status == RefreshStatus::Rotated && b.status == RefreshStatus::Repeated) ||
              (a.status == RefreshStatus::Repeated && b.status == RefreshStatus::Rotated))
      << int(a.status) << " " << int(b.status);
  EXPECT_EQ(a.refreshToken, b.refreshToken);
  EXPECT_TRUE(active("s1"));
}

TEST_P(SessionStoreTest, RevokeAllAndListing) {
  login("s1");
  login("s2");
  login("s3", "u2");
  auto listed = db_->read([&](Tx& tx) { return store_.listActive(tx, "u1", kT0 + 1); });
  EXPECT_EQ(listed.size(), 2u);
  auto ids = db_->run([&](Tx& tx) { return store_.revokeAll(tx, "u1", "password_reset", kT0 + 2); });
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_TRUE(db_->read([&](Tx& tx) { return store_.listActive(tx, "u1", kT0 + 3); }).empty());
  EXPECT_EQ(db_->read([&](Tx& tx) { return store_.listActive(tx, "u2", kT0 + 3); }).size(), 1u);
}

TEST_P(SessionStoreTest, OneTimeTokensAreSingleUseAndExpire) {
  std::string verify = db_->run([&](Tx& tx) {
    return issueOneTimeToken(tx, "u1", TokenPurpose::VerifyEmail, kT0, 24 * 3600);
  });
  auto use = [&](const std::string& t, TokenPurpose p, long long at) {
    return db_->run([&](Tx& tx) { return consumeOneTimeToken(tx, t, p, at); });
  };
  EXPECT_FALSE(use(verify, TokenPurpose::PasswordReset, kT0 + 1));  // wrong purpose
  EXPECT_EQ(use(verify, TokenPurpose::VerifyEmail, kT0 + 1), "u1");
  EXPECT_FALSE(use(verify, TokenPurpose::VerifyEmail, kT0 + 2));  // used
  std::string late = db_->run([&](Tx& tx) { return issueOneTimeToken(tx, "u1", TokenPurpose::PasswordReset, kT0, 3600); });
  EXPECT_FALSE(use(late, TokenPurpose::PasswordReset, kT0 + 3600));
  std::string r1 = db_->run([&](Tx& tx) { return issueOneTimeToken(tx, "u1", TokenPurpose::PasswordReset, kT0, 3600); });
  std::string r2 = db_->run([&](Tx& tx) { return issueOneTimeToken(tx, "u1", TokenPurpose::PasswordReset, kT0, 3600); });
  EXPECT_EQ(use(r2, TokenPurpose::PasswordReset, kT0 + 5), "u1");
  EXPECT_FALSE(use(r1, TokenPurpose::PasswordReset, kT0 + 6));  // voided by the reset
}

TEST_P(SessionStoreTest, UsersRoundTripAndEmailIsUnique) {
  auto u = db_->read([&](Tx& tx) { return findUserByEmail(tx, "ada@example.ng"); });
  ASSERT_TRUE(u);
  EXPECT_EQ(u->roles, std::vector<std::string>{"customer"});
  EXPECT_FALSE(u->twoFactorEnabled());
  try {
    db_->run([&](Tx& tx) { insertUser(tx, NewUser{"u3", "ada@example.ng", "h", "A", "B", "+2348000000000"}, kT0); });
    ADD_FAILURE() << "duplicate email accepted";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::UniqueViolation);
  }
  db_->run([&](Tx& tx) { setRoles(tx, "u1", {"customer", "admin"}, kT0 + 1); });
  auto again = db_->read([&](Tx& tx) { return findUserById(tx, "u1"); });
  EXPECT_EQ(again->roles, (std::vector<std::string>{"customer", "admin"}));
  EXPECT_EQ(agape::rfc3339(again->createdAt * 1000), "2027-01-15T08:00:00Z");
}

// Staff by role for the notifications' alerts: exact role names (a role
// that only contains another's name, or LIKE's wildcards, matches nothing),
// oldest account first, at most `limit`.
TEST_P(SessionStoreTest, UsersWithRolesAreFoundByExactRole) {
  db_->run([&](Tx& tx) {
    insertUser(tx, NewUser{"u3", "chi@example.ng", "h", "Chi", "Eze", std::nullopt}, kT0 + 5);
    setRoles(tx, "u1", {"customer", "admin"}, kT0 + 1);
    setRoles(tx, "u2", {"merchant"}, kT0 + 1);
    setRoles(tx, "u3", {"superadmin", "finance"}, kT0 + 1);
  });
  const auto ids = [&](const std::vector<std::string>& roles, std::size_t limit = 10) {
    std::vector<std::string> out;
    for (const auto& u : db_->read([&](Tx& tx) { return findUsersWithRoles(tx, roles, limit); })) out.push_back(u.id);
    return out;
  };
  EXPECT_EQ(ids({"admin"}), std::vector<std::string>{"u1"});
  EXPECT_EQ(ids({"admin", "merchant"}), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(ids({"finance", "customer"}), (std::vector<std::string>{"u1", "u3"}));
  EXPECT_EQ(ids({"admin", "merchant"}, 1), std::vector<std::string>{"u1"});
  EXPECT_TRUE(ids({"%"}).empty());
  EXPECT_TRUE(ids({"_dmin"}).empty());
  EXPECT_TRUE(ids({}).empty());
}

AGAPE_DATABASE_TESTS(SessionStoreTest);

}  // namespace
}  // namespace agape::auth
