// The auth plugin's guards against a determined attacker, on SQLite and
// PostgreSQL: the lockout holds under parallel guesses, wrong 2FA codes
// count like wrong passwords, and role changes never leave the shop without
// an admin and end the changed user's sessions.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <agape/crypto.h>

#include "base32.h"
#include "support/api_test.h"
#include "totp.h"

namespace agape::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "Aso-oke-loom-2026!";

class AuthGuards : public ApiTest {
 protected:
  // bcrypt cost 8 (~20 ms a check), so that parallel guesses overlap.
  void start() {
    serve({pluginEntry("auth")},
          "auth:\n  bcryptCost: 8\n  generateKeys: true\n  keysDir: " + dir_.path() +
              "/keys\n  lockoutThreshold: 5\n  revocationPoll: 200ms\n",
          {"server.rateLimits.auth.requests=100000", "server.rateLimits.auth.burst=100000"});
  }
  void createUser(const std::string& email, const std::string& role) {
    auto r = runAgape({"users", "create", "--config", config_, "--email", email, "--password-stdin", "--role", role}, {},
                      std::string(kPassword) + "\n");
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }
  HttpResult login(const std::string& email, const std::string& password, HttpClient* c = nullptr) {
    return (c ? *c : *client_)
        .request("POST", "/v1/auth/login", Json{{"email", email}, {"password", password}}.dump(), {kJson});
  }
  std::string bearer(const std::string& email) {
    const Json pair = ok(login(email, kPassword));
    return "Authorization: Bearer " + pair.value("accessToken", "");
  }
  std::string userId(const std::string& email) {
    return queryText("SELECT id FROM auth_users WHERE email = '" + email + "'");
  }
  long long audits(const std::string& action, const std::string& id) {
    return std::stoll(queryText("SELECT COUNT(*) FROM agape_audit WHERE action = '" + action + "' AND entity_id = '" +
                                id + "'"));
  }
};

// Each attempt is counted before its bcrypt check: of 32 parallel wrong
// passwords exactly five are checked (four 401, the fifth locks), the rest
// are refused unchecked, and the right password is refused too until the lock ends.
TEST_P(AuthGuards, ParallelWrongPasswordsGetNoMoreChecksThanTheThreshold) {
  start();
  createUser("ada@shop.ng", "customer");
  std::atomic<int> wrong{0}, locked{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t)
    threads.emplace_back([&] {
      HttpClient c(server_->base());
      const HttpResult r = login("ada@shop.ng", "Not-the-password-1", &c);
      if (r.status == 401) ++wrong;
      else if (r.status == 403 && code(r) == "account_locked" && !r.header("retry-after").empty()) ++locked;
      else ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 4);
  EXPECT_EQ(locked.load(), 28);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(login("ada@shop.ng", kPassword).status, 403);
  EXPECT_EQ(audits("user.locked", userId("ada@shop.ng")), 1);
}

// A stolen access token cannot try every 2FA code: wrong codes on verify
// and disable count against the same lockout as passwords.
TEST_P(AuthGuards, WrongTwoFactorCodesLockTheAccountLikeWrongPasswords) {
  start();
  createUser("bola@shop.ng", "customer");
  const std::string auth = bearer("bola@shop.ng");
  const Json enrol = ok(send("POST", "/v1/auth/2fa/enable", nullptr, {auth}));
  const auto key = auth::base32Decode(enrol.value("secret", ""));
  ASSERT_TRUE(key);
  const long long step = std::time(nullptr) / auth::kTotpStepSeconds;
  const std::string right = auth::hotp(*key, step);
  std::string wrongCode = "000000";  // a code no step near now gives
  for (int d = 1; wrongCode == auth::hotp(*key, step - 1) || wrongCode == right || wrongCode == auth::hotp(*key, step + 1); ++d)
    wrongCode = std::string(6, static_cast<char>('0' + d));
  // The first code a user types is often wrong: one miss, then enrolment.
  EXPECT_EQ(send("POST", "/v1/auth/2fa/verify", Json{{"code", wrongCode}}, {auth}).status, 400);
  ASSERT_EQ(send("POST", "/v1/auth/2fa/verify", Json{{"code", right}}, {auth}).status, 200);
  // The right code cleared the count: five wrong disables lock the account.
  for (int i = 1; i <= 4; ++i)
    EXPECT_EQ(send("POST", "/v1/auth/2fa/disable", Json{{"code", wrongCode}}, {auth}).status, 400) << i;
  const HttpResult fifth = send("POST", "/v1/auth/2fa/disable", Json{{"code", wrongCode}}, {auth});
  EXPECT_EQ(fifth.status, 403) << fifth.body;
  EXPECT_EQ(code(fifth), "account_locked");
  EXPECT_EQ(send("POST", "/v1/auth/2fa/disable", Json{{"code", right}}, {auth}).status, 403);
  EXPECT_EQ(login("bola@shop.ng", kPassword).status, 403);
  EXPECT_EQ(audits("user.locked", userId("bola@shop.ng")), 1);
  // The routes are in the "auth" rate class.
  EXPECT_EQ(send("POST", "/v1/auth/2fa/disable", Json{{"code", right}}, {auth}).header("ratelimit-limit"), "100000");
}

// TOTP secrets are sealed at rest (AES-256-GCM, agape/secret_box.h): the
// database never holds one in clear. A secret stored in clear before (or
// under an older key, after `agape secrets rotate`) is sealed again at start.
TEST_P(AuthGuards, TotpSecretsAreSealedAtRestAndMovedToTheNewestKeyAtStart) {
  start();
  createUser("femi@shop.ng", "customer");
  const std::string auth = bearer("femi@shop.ng"), id = userId("femi@shop.ng");
  const std::string secret = ok(send("POST", "/v1/auth/2fa/enable", nullptr, {auth})).value("secret", "");
  const std::string pending = queryText("SELECT totp_pending_secret FROM auth_users WHERE id = '" + id + "'");
  EXPECT_EQ(pending.rfind("sb1.", 0), 0u) << pending;
  EXPECT_EQ(pending.find(secret), std::string::npos);
  const auto key = auth::base32Decode(secret);
  ASSERT_TRUE(key);
  const long long step = std::time(nullptr) / auth::kTotpStepSeconds;
  ASSERT_EQ(send("POST", "/v1/auth/2fa/verify", Json{{"code", auth::hotp(*key, step)}}, {auth}).status, 200);
  const std::string sealed = queryText("SELECT totp_secret FROM auth_users WHERE id = '" + id + "'");
  EXPECT_EQ(sealed.rfind("sb1.", 0), 0u) << sealed;

  // As stored before sealing: in clear. A new key, then a restart.
  EXPECT_EQ(queryText("UPDATE auth_users SET totp_secret = '" + secret + "' WHERE id = '" + id + "' RETURNING id"), id);
  const auto rotated = runAgape({"secrets", "rotate", "--config", config_});
  ASSERT_EQ(rotated.exitCode, 0) << rotated.output;
  const std::string newKey = std::filesystem::path(rotated.output.substr(rotated.output.find(": ") + 2,
                                                                         rotated.output.find('\n') - rotated.output.find(": ") - 2))
                                 .stem()
                                 .string();
  restart();
  const std::string resealed = queryText("SELECT totp_secret FROM auth_users WHERE id = '" + id + "'");
  EXPECT_EQ(resealed.rfind("sb1." + newKey + ".", 0), 0u) << resealed << " " << rotated.output;
  // The next code signs in.
  const HttpResult signedIn = client_->request(
      "POST", "/v1/auth/login",
      Json{{"email", "femi@shop.ng"}, {"password", kPassword}, {"totp", auth::hotp(*key, step + 1)}}.dump(), {kJson});
  EXPECT_EQ(signedIn.status, 200) << signedIn.body;
}

TEST_P(AuthGuards, RoleChangesKeepAnAdminAndEndTheChangedUsersSessions) {
  start();
  createUser("ade@shop.ng", "admin");
  createUser("bisi@shop.ng", "admin");
  createUser("chidi@shop.ng", "merchant");
  const std::string ade = bearer("ade@shop.ng"), bisi = bearer("bisi@shop.ng"), chidi = bearer("chidi@shop.ng");
  const std::string adeId = userId("ade@shop.ng"), bisiId = userId("bisi@shop.ng"), chidiId = userId("chidi@shop.ng");
  auto roles = [&](const std::string& who, const std::string& id, const Json& list) {
    return send("PATCH", "/v1/admin/users/" + id + "/roles", Json{{"roles", list}}, {who});
  };
  // Nobody removes their own admin role.
  const HttpResult self = roles(ade, adeId, Json::array({"merchant"}));
  EXPECT_EQ(self.status, 409);
  EXPECT_EQ(code(self), "cannot_demote_self");
  // A changed user's sessions end: the merchant's token stops working at once.
  EXPECT_EQ(get("/v1/auth/me", {chidi}).status, 200);
  ok(roles(ade, chidiId, Json::array({"merchant", "finance"})));
  EXPECT_EQ(get("/v1/auth/me", {chidi}).status, 401);
  const Json audit = Json::parse(queryText("SELECT details FROM agape_audit WHERE action = 'user.roles_changed' "
                                           "AND entity_id = '" + chidiId + "'"));
  EXPECT_EQ(audit["after"], Json::array({"merchant", "finance"}));
  EXPECT_EQ(audit["sessionsRevoked"], 1);
  // The same roles again change nothing and end nothing.
  const std::string chidi2 = bearer("chidi@shop.ng");
  ok(roles(ade, chidiId, Json::array({"finance", "merchant"})));
  EXPECT_EQ(get("/v1/auth/me", {chidi2}).status, 200);
  // Two admins demoting each other at the same moment: one of them stays admin.
  std::vector<HttpResult> answers(2);
  std::thread a([&] { HttpClient c(server_->base());
                      answers[0] = c.request("PATCH", "/v1/admin/users/" + bisiId + "/roles",
                                             Json{{"roles", {"customer"}}}.dump(), {kJson, ade}); });
  std::thread b([&] { HttpClient c(server_->base());
                      answers[1] = c.request("PATCH", "/v1/admin/users/" + adeId + "/roles",
                                             Json{{"roles", {"customer"}}}.dump(), {kJson, bisi}); });
  a.join();
  b.join();
  EXPECT_EQ(queryText("SELECT COUNT(*) FROM auth_users WHERE roles LIKE '%admin%'"), "1");
  int changed = 0;
  for (const auto& r : answers) {
    if (r.status == 200) ++changed;
    else EXPECT_TRUE((r.status == 409 && code(r) == "last_admin") || r.status == 401) << r.status << " " << r.body;
  }
  EXPECT_EQ(changed, 1);
  // The demoted admin's token no longer opens admin routes.
  const std::string demoted = answers[0].status == 200 ? bisi : ade;
  EXPECT_EQ(roles(demoted, chidiId, Json::array({"merchant"})).status, 401);
}

// The kid in an access token's header.
std::string kidOf(const std::string& accessToken) {
  const auto header = base64UrlDecode(accessToken.substr(0, accessToken.find('.')));
  return header ? nlohmann::json::parse(*header, nullptr, false).value("kid", "") : "";
}

// `agape keys rotate` reaches two running servers sharing the key directory
// without a restart: both publish the new key, then sign with it; tokens
// signed before, and tokens of the other server, keep verifying.
TEST_P(AuthGuards, ARotatedSigningKeyReachesEveryRunningServerWithoutARestart) {
  serve({pluginEntry("auth")},
        "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
            "/keys\n  revocationPoll: 200ms\n  keysReload: 1s\n  keyActivation: 3s\n",
        {"server.rateLimits.auth.requests=100000", "server.rateLimits.auth.burst=100000"});
  const int otherPort = freePort();
  std::vector<std::string> otherArgs = serverArgs_;
  otherArgs.insert(otherArgs.end(), {"--set", "server.port=" + std::to_string(otherPort)});
  ServerProcess other(otherArgs, otherPort);
  ASSERT_TRUE(other.waitReady()) << other.output();
  HttpClient b(other.base());
  createUser("gbenga@shop.ng", "customer");
  const std::string before = ok(login("gbenga@shop.ng", kPassword)).value("accessToken", "");
  const std::string oldKid = kidOf(before);

  const auto rotated = runAgape({"keys", "rotate", "--config", config_});
  ASSERT_EQ(rotated.exitCode, 0) << rotated.output;
  const auto at = rotated.output.find("(kid ") + 5;
  const std::string newKid = rotated.output.substr(at, rotated.output.find(')', at) - at);
  ASSERT_NE(newKid, oldKid);
  auto publishes = [&](HttpClient& c) { return c.get("/.well-known/jwks.json").body.find(newKid) != std::string::npos; };
  ASSERT_TRUE(eventually([&] { return publishes(*client_) && publishes(b); }, 60s));
  ASSERT_TRUE(eventually([&] { return kidOf(ok(login("gbenga@shop.ng", kPassword)).value("accessToken", "")) == newKid; },
                         60s));
  std::string after;  // the other server signs with it too, within one reload of the first
  EXPECT_TRUE(eventually([&] {
    after = ok(login("gbenga@shop.ng", kPassword, &b)).value("accessToken", "");
    return kidOf(after) == newKid;
  }, 5s));
  for (const auto& token : {before, after}) {
    EXPECT_EQ(get("/v1/auth/me", {"Authorization: Bearer " + token}).status, 200);
    EXPECT_EQ(b.get("/v1/auth/me", {"Authorization: Bearer " + token}).status, 200);
  }
  EXPECT_EQ(other.terminate(), 0);
}

AGAPE_BACKENDS(AuthGuards);

}  // namespace
}  // namespace agape::test
