// The auth plugin in the real server, on SQLite and (with AGAPE_TEST_PG_URL)
// PostgreSQL: every endpoint, the role × route matrix, lockout, TOTP replay,
// refresh-token reuse, and access tokens checked by an independent JOSE
// implementation (node + jose).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <nlohmann/json.hpp>

#include <agape/testing/command.h>

#include "base32.h"
#include "support/backend_test.h"
#include "support/http_client.h"
#include "support/sealed_link.h"
#include "support/server_process.h"
#include "totp.h"

using namespace agape::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPassword = "Lagos-Rain-2026!";

// Direct SQLite access to the server's database, for what no endpoint gives
// a test: mailed tokens (the event outbox), audit rows, the first admin.
std::vector<std::vector<std::string>> sqliteRows(const std::string& dbPath, const std::string& statement) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + dbPath);
  }
  sqlite3_busy_timeout(db, 5000);
  std::vector<std::vector<std::string>> rows;
  char* err = nullptr;
  int rc = sqlite3_exec(
      db, statement.c_str(),
      [](void* out, int n, char** values, char**) {
        std::vector<std::string> row;
        for (int i = 0; i < n; ++i) row.emplace_back(values[i] ? values[i] : "");
        static_cast<std::vector<std::vector<std::string>>*>(out)->push_back(row);
        return 0;
      },
      &rows, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("sql: " + message);
  return rows;
}

struct AuthServer {
  TempDir dir;
  int port = freePort();
  std::string dbPath;
  std::unique_ptr<ServerProcess> server;

  // `databaseUrl`: "" for SQLite in the server's data folder.
  AuthServer(const std::string& authSection, const std::string& databaseUrl = "") {
    fs::create_directories(dir.path() + "/migrations");
    fs::copy(std::string(AGAPE_SOURCE_DIR) + "/migrations/auth", dir.path() + "/migrations/auth",
             fs::copy_options::recursive);
    dbPath = dir.path() + "/data/agape.db";
    std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"auth"}, authSection, databaseUrl));
    server = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", cfg, "--set", "server.rateLimits.auth.requests=1000", "--set",
                                 "server.rateLimits.auth.per=1m", "--set", "server.rateLimits.auth.burst=1000"},
        port);
  }
};

std::string authSection(const std::string& dir) {
  return "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir +
         "/keys\n  refreshReuseGrace: 1s\n  publicBaseUrl: https://shop.test\n  tokenIssuer: https://api.agape.test\n"
         "  tokenAudience: agape-storefront\n  revocationPoll: 200ms\n";
}

// One server per database for the whole suite (the tests use addresses of
// their own, so they share it), started by the first test that needs it.
struct SuiteServer {
  TempDir keys;
#ifdef AGAPE_WITH_PG
  std::unique_ptr<PgSchema> schema;
#endif
  std::unique_ptr<AuthServer> auth;
};

class AuthApi : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() {
    for (auto& [backend, s] : servers_) {
      if (s->auth && s->auth->server) {
        EXPECT_EQ(s->auth->server->terminate(), 0) << s->auth->server->output();
      }
    }
    servers_.clear();
  }
  void SetUp() override {
    if (GetParam() == Backend::Postgres) {
#ifdef AGAPE_WITH_PG
      if (!std::getenv("AGAPE_TEST_PG_URL")) GTEST_SKIP() << "AGAPE_TEST_PG_URL is not set (scripts/test.sh starts PostgreSQL)";
#else
      GTEST_SKIP() << "built without PostgreSQL";
#endif
    }
    auto& s = servers_[GetParam()];
    if (!s) {
      s = std::make_unique<SuiteServer>();
      std::string url;
#ifdef AGAPE_WITH_PG
      if (GetParam() == Backend::Postgres) {
        s->schema = std::make_unique<PgSchema>(std::getenv("AGAPE_TEST_PG_URL"));
        url = s->schema->url();
      }
#endif
      s->auth = std::make_unique<AuthServer>(authSection(s->keys.path()), url);
      ASSERT_TRUE(s->auth->server->waitReady()) << s->auth->server->output();
    }
    server_ = s->auth.get();
    if (!server_ || !server_->server) GTEST_SKIP() << "server did not start";
    client_ = std::make_unique<HttpClient>(server_->server->base());
  }

  // Rows of the server's database, whichever it is.
  std::vector<std::vector<std::string>> sql(const std::string& statement) {
#ifdef AGAPE_WITH_PG
    if (const auto& schema = servers_[GetParam()]->schema) return schema->rows(statement);
#endif
    return sqliteRows(server_->dbPath, statement);
  }

  HttpResult call(const std::string& method, const std::string& path, const json& body = nullptr,
                  const std::string& token = "", std::vector<std::string> headers = {}) {
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    std::string text;
    if (!body.is_null()) {
      text = body.dump();
      headers.push_back("Content-Type: application/json");
    }
    return client_->request(method, path, text, headers);
  }
  static std::string code(const HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("code") ? j["code"].get<std::string>() : "";
  }
  static std::string unique(const std::string& name) {
    static int n = 0;
    return name + std::to_string(++n) + "@example.ng";
  }

  json registerUser(const std::string& email, const std::string& password = kPassword) {
    auto r = call("POST", "/v1/auth/register",
                  {{"email", email}, {"password", password}, {"firstName", "Ada"}, {"lastName", "Obi"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body)["user"];
  }
  json login(const std::string& email, const std::string& password = kPassword, std::optional<std::string> totp = {}) {
    json body = {{"email", email}, {"password", password}};
    if (totp) body["totp"] = *totp;
    auto r = call("POST", "/v1/auth/login", body, "", {"User-Agent: auth-test/1.0"});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  // The newest event of `topic` for `email`.
  json lastEvent(const std::string& topic, const std::string& email) {
    auto rows = sql("SELECT payload FROM agape_events WHERE topic = '" + topic + "' ORDER BY occurred_at DESC, id DESC");
    for (const auto& row : rows) {
      json p = json::parse(row[0]);
      if (p["email"] == email) return p;
    }
    return nullptr;
  }
  static std::string tokenOf(const std::string& link) { return link.substr(link.find("token=") + 6); }

  static std::map<Backend, std::unique_ptr<SuiteServer>> servers_;
  AuthServer* server_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};
std::map<Backend, std::unique_ptr<SuiteServer>> AuthApi::servers_;

TEST_P(AuthApi, RegisterLoginMe) {
  std::string email = unique("ada");
  json user = registerUser("  " + email.substr(0, 1) + "DA" + email.substr(3) + " ");  // trimmed, lower-cased
  EXPECT_EQ(user["email"], email);
  EXPECT_EQ(user["roles"], json::array({"customer"}));
  EXPECT_EQ(user["emailVerified"], false);
  EXPECT_EQ(user["twoFactorEnabled"], false);
  EXPECT_EQ(user["id"].get<std::string>().size(), 36u);

  auto dup = call("POST", "/v1/auth/register", {{"email", email}, {"password", kPassword}, {"firstName", "A"}, {"lastName", "B"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(code(dup), "duplicate");

  json pair = login(email);
  EXPECT_EQ(pair["tokenType"], "Bearer");
  EXPECT_EQ(pair["expiresIn"], 900);
  EXPECT_EQ(pair["refreshToken"].get<std::string>().size(), 43u);
  EXPECT_EQ(pair["user"]["email"], email);

  auto me = call("GET", "/v1/auth/me", nullptr, pair["accessToken"]);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body)["id"], user["id"]);
  auto anonymous = call("GET", "/v1/auth/me");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(code(anonymous), "unauthorized");
}

TEST_P(AuthApi, RegistrationValidation) {
  auto weak = call("POST", "/v1/auth/register",
                   {{"email", unique("weak")}, {"password", "password1"}, {"firstName", "A"}, {"lastName", "B"}});
  ASSERT_EQ(weak.status, 400);
  json problem = json::parse(weak.body);
  EXPECT_EQ(problem["code"], "validation_failed");
  EXPECT_EQ(weak.header("content-type"), "application/problem+json");
  bool passwordError = false;
  for (const auto& e : problem["errors"]) passwordError = passwordError || e["field"] == "password";
  EXPECT_TRUE(passwordError) << weak.body;

  auto common = call("POST", "/v1/auth/register",
                     {{"email", unique("common")}, {"password", "1234567890"}, {"firstName", "A"}, {"lastName", "B"}});
  EXPECT_EQ(common.status, 400);
  EXPECT_NE(common.body.find("too common"), std::string::npos) << common.body;
  std::string email = unique("same");
  auto same = call("POST", "/v1/auth/register", {{"email", email}, {"password", email}, {"firstName", "A"}, {"lastName", "B"}});
  EXPECT_NE(same.body.find("must not be your email address"), std::string::npos) << same.body;
  auto unknown = call("POST", "/v1/auth/register",
                      {{"email", unique("x")}, {"password", kPassword}, {"firstName", "A"}, {"lastName", "B"}, {"admin", true}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code(unknown), "validation_failed");
  auto missing = call("POST", "/v1/auth/register", {{"email", "not-an-email"}});
  ASSERT_EQ(missing.status, 400);
  EXPECT_GE(json::parse(missing.body)["errors"].size(), 4u) << missing.body;
}

TEST_P(AuthApi, EmailVerificationEventsAndSingleUseToken) {
  std::string email = unique("verify");
  registerUser(email);
  json registered = lastEvent("user.registered", email);
  ASSERT_FALSE(registered.is_null());
  EXPECT_EQ(registered["name"], "Ada Obi");
  json requested = lastEvent("user.email_verification_requested", email);
  ASSERT_FALSE(requested.is_null());
  std::string link = openedLink(server_->dir.path() + "/data", requested);
  EXPECT_EQ(link.rfind("https://shop.test/verify-email?token=", 0), 0u) << link;
  std::string token = tokenOf(link);
  // Only the hash is stored.
  EXPECT_TRUE(sql("SELECT 1 FROM auth_one_time_tokens WHERE token_hash = '" + token + "'").empty());

  auto ok = call("POST", "/v1/auth/verify-email", {{"token", token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["user"]["emailVerified"], true);
  auto again = call("POST", "/v1/auth/verify-email", {{"token", token}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(code(again), "validation_failed");
}

TEST_P(AuthApi, WrongPasswordAndUnknownEmailLookTheSame) {
  std::string email = unique("same-answer");
  registerUser(email);
  auto wrong = call("POST", "/v1/auth/login", {{"email", email}, {"password", "Wrong-Password-1"}});
  auto unknown = call("POST", "/v1/auth/login", {{"email", unique("nobody")}, {"password", "Wrong-Password-1"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  json a = json::parse(wrong.body), b = json::parse(unknown.body);
  a.erase("requestId");
  b.erase("requestId");
  EXPECT_EQ(a, b);
  // The login route is in the "auth" rate-limit class (1000 a minute in this test).
  EXPECT_EQ(wrong.header("ratelimit-limit"), "1000");
}

TEST_P(AuthApi, LockoutAfterFiveFailuresIsAudited) {
  std::string email = unique("locked");
  json user = registerUser(email);
  for (int i = 1; i <= 4; ++i) {
    auto r = call("POST", "/v1/auth/login", {{"email", email}, {"password", "Wrong-Password-1"}});
    EXPECT_EQ(r.status, 401) << i;
  }
  auto fifth = call("POST", "/v1/auth/login", {{"email", email}, {"password", "Wrong-Password-1"}});
  EXPECT_EQ(fifth.status, 403);
  EXPECT_EQ(code(fifth), "account_locked");
  auto right = call("POST", "/v1/auth/login", {{"email", email}, {"password", kPassword}});
  EXPECT_EQ(right.status, 403);
  EXPECT_EQ(code(right), "account_locked");
  int retry = std::stoi(right.header("retry-after"));
  EXPECT_GT(retry, 800);
  EXPECT_LE(retry, 900);
  auto audit = sql("SELECT actor FROM agape_audit WHERE action = 'user.locked' AND entity_id = '" +
                                        user["id"].get<std::string>() + "'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0][0], "system");
}

TEST_P(AuthApi, RefreshRotatesAndReuseRevokesTheSession) {
  std::string email = unique("refresh");
  registerUser(email);
  json first = login(email);
  auto r1 = call("POST", "/v1/auth/refresh", {{"refreshToken", first["refreshToken"]}});
  ASSERT_EQ(r1.status, 200) << r1.body;
  json second = json::parse(r1.body);
  EXPECT_NE(second["refreshToken"], first["refreshToken"]);
  // A near-simultaneous second refresh with the same token (another tab) gets the same successor.
  auto twin = call("POST", "/v1/auth/refresh", {{"refreshToken", first["refreshToken"]}});
  ASSERT_EQ(twin.status, 200) << twin.body;
  EXPECT_EQ(json::parse(twin.body)["refreshToken"], second["refreshToken"]);

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the 1 s grace window
  auto reuse = call("POST", "/v1/auth/refresh", {{"refreshToken", first["refreshToken"]}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(code(reuse), "unauthorized");
  auto afterReuse = call("POST", "/v1/auth/refresh", {{"refreshToken", second["refreshToken"]}});
  EXPECT_EQ(afterReuse.status, 401);
  // The access tokens of the revoked session stop working at once on this instance.
  auto me = call("GET", "/v1/auth/me", nullptr, second["accessToken"]);
  EXPECT_EQ(me.status, 401);
  auto garbage = call("POST", "/v1/auth/refresh", {{"refreshToken", "nope"}});
  EXPECT_EQ(garbage.status, 401);
}

TEST_P(AuthApi, SessionsListRevokeAndLogout) {
  std::string email = unique("sessions");
  registerUser(email);
  json a = login(email);
  json b = login(email);
  std::string tokenA = a["accessToken"];
  auto list = call("GET", "/v1/auth/sessions", nullptr, tokenA);
  ASSERT_EQ(list.status, 200) << list.body;
  json data = json::parse(list.body)["data"];
  ASSERT_EQ(data.size(), 2u);
  int current = 0;
  std::string other;
  for (const auto& s : data) {
    EXPECT_EQ(s["userAgent"], "auth-test/1.0");
    EXPECT_EQ(s["ip"], "127.0.0.1");
    EXPECT_EQ(s["createdAt"].get<std::string>().size(), 20u);
    if (s["current"] == true) ++current;
    else other = s["id"];
  }
  EXPECT_EQ(current, 1);

  // Somebody else's session is not found.
  json stranger = login(registerUser(unique("stranger"))["email"]);
  EXPECT_EQ(call("DELETE", "/v1/auth/sessions/" + other, nullptr, stranger["accessToken"]).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/auth/sessions/" + other, nullptr, tokenA).status, 204);
  EXPECT_EQ(call("GET", "/v1/auth/me", nullptr, b["accessToken"]).status, 401);
  EXPECT_EQ(call("POST", "/v1/auth/refresh", {{"refreshToken", b["refreshToken"]}}).status, 401);
  EXPECT_EQ(call("DELETE", "/v1/auth/sessions/" + other, nullptr, tokenA).status, 404);

  auto logout = call("POST", "/v1/auth/logout", nullptr, tokenA);
  EXPECT_EQ(logout.status, 204) << logout.body;
  EXPECT_EQ(call("GET", "/v1/auth/me", nullptr, tokenA).status, 401);
  EXPECT_EQ(call("POST", "/v1/auth/refresh", {{"refreshToken", a["refreshToken"]}}).status, 401);
  EXPECT_EQ(call("POST", "/v1/auth/logout").status, 401);
}

TEST_P(AuthApi, PasswordResetRevokesEverySession) {
  std::string email = unique("reset");
  registerUser(email);
  json session = login(email);
  EXPECT_EQ(call("POST", "/v1/auth/password-reset-request", {{"email", unique("unknown")}}).status, 202);
  EXPECT_EQ(call("POST", "/v1/auth/password-reset-request", {{"email", email}}).status, 202);
  json event = lastEvent("user.password_reset_requested", email);
  ASSERT_FALSE(event.is_null());
  const std::string link = openedLink(server_->dir.path() + "/data", event);
  std::string token = tokenOf(link);
  EXPECT_EQ(link.rfind("https://shop.test/reset-password?token=", 0), 0u) << event;
  EXPECT_EQ(event.dump().find(token), std::string::npos) << "the event holds the token in clear";

  auto weak = call("POST", "/v1/auth/password-reset", {{"token", token}, {"password", "short"}});
  EXPECT_EQ(weak.status, 400);
  const std::string fresh = "Abuja-Harmattan-2027";
  auto ok = call("POST", "/v1/auth/password-reset", {{"token", token}, {"password", fresh}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(call("POST", "/v1/auth/password-reset", {{"token", token}, {"password", fresh}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/auth/me", nullptr, session["accessToken"]).status, 401);
  EXPECT_EQ(call("POST", "/v1/auth/refresh", {{"refreshToken", session["refreshToken"]}}).status, 401);
  EXPECT_EQ(call("POST", "/v1/auth/login", {{"email", email}, {"password", kPassword}}).status, 401);
  login(email, fresh);
  EXPECT_FALSE(lastEvent("user.password_changed", email).is_null());
}

TEST_P(AuthApi, TotpEnrolmentLoginReplayAndDisable) {
  // Stay clear of a step boundary: the codes below are computed for "now".
  while (std::time(nullptr) % 30 > 26) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string email = unique("totp");
  registerUser(email);
  std::string access = login(email)["accessToken"];
  auto enable = call("POST", "/v1/auth/2fa/enable", nullptr, access);
  ASSERT_EQ(enable.status, 200) << enable.body;
  json e = json::parse(enable.body);
  std::string secret = e["secret"];
  EXPECT_EQ(secret.size(), 32u);  // 160 bits in base32
  EXPECT_EQ(e["otpauthUrl"], "otpauth://totp/Agape:" + email + "?secret=" + secret +
                                 "&issuer=Agape&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(std::string(e["qrSvg"]).rfind("<svg", 0), 0u);
  std::string key = *agape::auth::base32Decode(secret);
  long long now = std::time(nullptr);
  auto codeAt = [&](long long t) { return agape::auth::totp(key, t, 6); };

  // Pending: login does not need a code yet.
  login(email);
  EXPECT_EQ(call("POST", "/v1/auth/2fa/verify", {{"code", "000000"}}, access).status, 400);
  auto verify = call("POST", "/v1/auth/2fa/verify", {{"code", codeAt(now - 30)}}, access);
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(json::parse(call("GET", "/v1/auth/me", nullptr, access).body)["twoFactorEnabled"], true);

  auto noCode = call("POST", "/v1/auth/login", {{"email", email}, {"password", kPassword}});
  EXPECT_EQ(noCode.status, 401);
  EXPECT_EQ(code(noCode), "totp_required");
  auto wrong = call("POST", "/v1/auth/login", {{"email", email}, {"password", kPassword}, {"totp", "123456"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(code(wrong), "unauthorized");
  std::string current = codeAt(now);
  login(email, kPassword, current);
  auto replay = call("POST", "/v1/auth/login", {{"email", email}, {"password", kPassword}, {"totp", current}});
  EXPECT_EQ(replay.status, 401) << "a TOTP code was accepted twice";
  EXPECT_EQ(code(replay), "unauthorized");
  EXPECT_EQ(call("POST", "/v1/auth/2fa/enable", nullptr, access).status, 409);

  EXPECT_EQ(call("POST", "/v1/auth/2fa/disable", {{"code", current}}, access).status, 400);  // already used
  auto disable = call("POST", "/v1/auth/2fa/disable", {{"code", codeAt(now + 30)}}, access);
  ASSERT_EQ(disable.status, 200) << disable.body;
  login(email);
}

TEST_P(AuthApi, RoleRouteMatrixAndAuditedRoleChange) {
  const std::vector<std::string> roles = {"customer", "admin", "merchant", "fulfilment", "finance"};
  std::map<std::string, std::string> tokens;
  std::string targetId = registerUser(unique("target"))["id"];
  for (const auto& role : roles) {
    std::string email = unique(role);
    std::string id = registerUser(email)["id"];
    sql("UPDATE auth_users SET roles = '" + role + "' WHERE id = '" + id + "'");
    json pair = login(email);
    EXPECT_EQ(pair["user"]["roles"], json::array({role}));
    tokens[role] = pair["accessToken"];
  }
  tokens["anonymous"] = "";
  for (const auto& [who, token] : tokens) {
    const bool signedIn = !token.empty();
    EXPECT_EQ(call("GET", "/.well-known/jwks.json", nullptr, token).status, 200) << who;
    EXPECT_EQ(call("GET", "/v1/auth/me", nullptr, token).status, signedIn ? 200 : 401) << who;
    EXPECT_EQ(call("GET", "/v1/auth/sessions", nullptr, token).status, signedIn ? 200 : 401) << who;
    EXPECT_EQ(call("POST", "/v1/auth/2fa/verify", {{"code", "000000"}}, token).status, signedIn ? 409 : 401) << who;
    EXPECT_EQ(call("POST", "/v1/auth/2fa/disable", {{"code", "000000"}}, token).status, signedIn ? 409 : 401) << who;
    EXPECT_EQ(call("DELETE", "/v1/auth/sessions/none", nullptr, token).status, signedIn ? 404 : 401) << who;
    auto patch = call("PATCH", "/v1/admin/users/" + targetId + "/roles", {{"roles", {"customer", "merchant"}}}, token);
    int expected = !signedIn ? 401 : who == "admin" ? 200 : 403;
    EXPECT_EQ(patch.status, expected) << who << " " << patch.body;
    if (expected == 403) {
      EXPECT_EQ(code(patch), "forbidden");
    }
  }
  auto audit = sql("SELECT actor, details FROM agape_audit WHERE action = 'user.roles_changed' "
                                    "AND entity = 'user' AND entity_id = '" + targetId + "'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(json::parse(audit[0][1]),
            (json{{"before", {"customer"}}, {"after", {"customer", "merchant"}}, {"sessionsRevoked", 0}}));
  auto bad = call("PATCH", "/v1/admin/users/" + targetId + "/roles", {{"roles", {"emperor"}}}, tokens["admin"]);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(call("PATCH", "/v1/admin/users/nobody/roles", {{"roles", {"admin"}}}, tokens["admin"]).status, 404);
}

TEST_P(AuthApi, ForgedTokensAreRefused) {
  std::string email = unique("forge");
  registerUser(email);
  std::string token = login(email)["accessToken"];
  auto dot1 = token.find('.'), dot2 = token.rfind('.');
  // alg none with the same payload, and a payload edited under the original signature.
  std::string none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  std::string payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  payload[payload.size() / 2] = payload[payload.size() / 2] == 'A' ? 'B' : 'A';
  std::string tampered = token.substr(0, dot1) + "." + payload + token.substr(dot2);
  for (const auto& forged : {none, tampered, std::string("abc.def.ghi")}) {
    auto r = call("GET", "/v1/auth/me", nullptr, forged);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(code(r), "unauthorized");
  }
}

TEST_P(AuthApi, JwksAndOpenApi) {
  auto jwks = call("GET", "/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  json keys = json::parse(jwks.body)["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["kty"], "RSA");
  EXPECT_EQ(keys[0]["alg"], "RS256");
  EXPECT_FALSE(keys[0].contains("d"));
  auto doc = json::parse(call("GET", "/openapi.json").body);
  for (const char* p : {"/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/logout",
                        "/v1/auth/verify-email", "/v1/auth/password-reset-request", "/v1/auth/password-reset",
                        "/v1/auth/me", "/v1/auth/sessions", "/v1/auth/sessions/{id}", "/v1/auth/2fa/enable",
                        "/v1/auth/2fa/verify", "/v1/auth/2fa/disable", "/.well-known/jwks.json",
                        "/v1/admin/users/{id}/roles"})
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
}

// An independent implementation (node's `jose`) verifies our tokens against
// our JWKS, and refuses one for another audience.
TEST_P(AuthApi, TokensVerifyWithJoseAgainstTheJwks) {
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed: JOSE cross-check skipped";
  const std::string dir = AGAPE_JWT_CHECK_DIR;
  const std::string install = std::string(AGAPE_SOURCE_DIR) + "/tests/jwt-check/install.sh";
  if (std::system(("'" + install + "' '" + dir + "'").c_str()) != 0)
    GTEST_SKIP() << "npm install of jose failed (offline?): see " << dir << "/npm.log";
  std::string email = unique("jose");
  registerUser(email);
  json pair = login(email);
  auto run = [&](const std::string& issuer, const std::string& audience, const std::string& token) {
    std::string cmd = "node '" + dir + "/verify.mjs' '" + server_->server->base() + "/.well-known/jwks.json' '" +
                      issuer + "' '" + audience + "' '" + token + "' 2>&1";
    const auto node = agape::testing::runCommand(cmd);
    return std::make_pair(node.exitCode, node.output);
  };
  auto [rc, out] = run("https://api.agape.test", "agape-storefront", pair["accessToken"]);
  ASSERT_EQ(rc, 0) << out;
  json verified = json::parse(out);
  EXPECT_EQ(verified["payload"]["sub"], pair["user"]["id"]);
  EXPECT_EQ(verified["payload"]["roles"], json::array({"customer"}));
  EXPECT_EQ(verified["payload"]["exp"].get<long long>() - verified["payload"]["iat"].get<long long>(), 900);
  EXPECT_EQ(verified["header"]["alg"], "RS256");
  EXPECT_EQ(verified["header"]["kid"], json::parse(call("GET", "/.well-known/jwks.json").body)["keys"][0]["kid"]);
  EXPECT_TRUE(verified["payload"].contains("sid"));
  EXPECT_TRUE(verified["payload"].contains("jti"));
  auto [rcWrong, outWrong] = run("https://api.agape.test", "someone-else", pair["accessToken"]);
  EXPECT_NE(rcWrong, 0) << outWrong;
}

AGAPE_BACKENDS(AuthApi);

TEST(AuthStartup, ProductionWithoutKeysRefusesToStart) {
  TempDir dir;
  fs::create_directories(dir.path() + "/migrations");
  fs::copy(std::string(AGAPE_SOURCE_DIR) + "/migrations/auth", dir.path() + "/migrations/auth",
           fs::copy_options::recursive);
  int port = freePort();
  std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"auth"}, "auth:\n  keysDir: " + dir.path() + "/nokeys\n"));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.output.find("no private signing key in " + dir.path() + "/nokeys"), std::string::npos) << r.output;
}

}  // namespace
