// The auth plugin's commands through the real binary: bootstrapping the
// first admin and rotating the signing key without breaking issued tokens.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/server_process.h"

using namespace agape::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct AuthDir {
  TempDir dir;
  int port = freePort();
  std::string cfg;
  AuthDir() {
    fs::create_directories(dir.path() + "/migrations");
    fs::copy(std::string(AGAPE_SOURCE_DIR) + "/migrations/auth", dir.path() + "/migrations/auth",
             fs::copy_options::recursive);
    cfg = dir.write("agape.yaml", testConfig(dir, port, {"auth"},
                                             "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir.path() +
                                                 "/keys\n  revocationPoll: 200ms\n  keysReload: 1s\n  keyActivation: 2s\n"));
  }
  std::unique_ptr<ServerProcess> serve() {
    auto s = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--config", cfg}, port);
    return s;
  }
};

const char* kPassword = "Kente-weaver-2026!";

std::string login(HttpClient& c, const std::string& email) {
  auto r = c.request("POST", "/v1/auth/login", json{{"email", email}, {"password", kPassword}}.dump(),
                     {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body).value("accessToken", "");
}

}  // namespace

TEST(AuthCli, UsersCreateBootstrapsAnAdminWhoCanChangeRoles) {
  AuthDir d;
  auto created = runAgape({"users", "create", "--config", d.cfg, "--email", "Ops@Shop.ng", "--password-stdin",
                           "--role", "admin"},
                          {}, std::string(kPassword) + "\n");
  ASSERT_EQ(created.exitCode, 0) << created.output;
  EXPECT_NE(created.output.find("<ops@shop.ng> roles: admin"), std::string::npos) << created.output;

  auto again = runAgape({"users", "create", "--config", d.cfg, "--email", "ops@shop.ng", "--password-stdin"}, {},
                        std::string(kPassword) + "\n");
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  auto weak = runAgape({"users", "create", "--config", d.cfg, "--email", "b@shop.ng", "--password-stdin"}, {},
                       "password\n");
  EXPECT_EQ(weak.exitCode, 1);
  EXPECT_NE(weak.output.find("password must be at least 10 characters"), std::string::npos) << weak.output;
  EXPECT_EQ(runAgape({"users", "create", "--config", d.cfg, "--email", "b@shop.ng"}).exitCode, 2);
  EXPECT_EQ(runAgape({"users", "create", "--config", d.cfg, "--email", "b@shop.ng", "--password-stdin", "--role",
                      "emperor"},
                     {}, std::string(kPassword) + "\n")
                .exitCode,
            2);
  auto help = runAgape({"users", "create", "--help", "--config", d.cfg});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.output.find("Usage: agape users create"), std::string::npos);

  auto server = d.serve();
  ASSERT_TRUE(server->waitReady()) << server->output();
  HttpClient c(server->base());
  std::string admin = login(c, "ops@shop.ng");
  auto reg = c.request("POST", "/v1/auth/register",
                       json{{"email", "ada@shop.ng"}, {"password", kPassword}, {"firstName", "Ada"}, {"lastName", "Obi"}}.dump(),
                       {"Content-Type: application/json"});
  ASSERT_EQ(reg.status, 201) << reg.body;
  std::string id = json::parse(reg.body)["user"]["id"];
  auto patch = c.request("PATCH", "/v1/admin/users/" + id + "/roles", json{{"roles", {"merchant"}}}.dump(),
                         {"Content-Type: application/json", "Authorization: Bearer " + admin});
  EXPECT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(server->terminate(), 0);
}

TEST(AuthCli, KeysRotateKeepsIssuedTokensValidAndSignsWithTheNewKey) {
  AuthDir d;
  ASSERT_EQ(runAgape({"users", "create", "--config", d.cfg, "--email", "ops@shop.ng", "--password-stdin"}, {},
                     std::string(kPassword) + "\n")
                .exitCode,
            0);
  auto first = d.serve();
  ASSERT_TRUE(first->waitReady()) << first->output();
  std::string oldToken;
  std::string oldKid;
  {
    HttpClient c(first->base());
    oldToken = login(c, "ops@shop.ng");
    auto jwks = json::parse(c.get("/.well-known/jwks.json").body);
    ASSERT_EQ(jwks["keys"].size(), 1u);
    oldKid = jwks["keys"][0]["kid"];
  }
  ASSERT_EQ(first->terminate(), 0);

  auto rotated = runAgape({"keys", "rotate", "--config", d.cfg});
  ASSERT_EQ(rotated.exitCode, 0) << rotated.output;
  EXPECT_NE(rotated.output.find("2 keys published in the JWKS"), std::string::npos) << rotated.output;

  auto second = d.serve();
  ASSERT_TRUE(second->waitReady()) << second->output();
  HttpClient c(second->base());
  auto jwks = json::parse(c.get("/.well-known/jwks.json").body);
  ASSERT_EQ(jwks["keys"].size(), 2u);
  // The new key signs once it is keyActivation old: then it is listed first.
  ASSERT_TRUE(eventually([&] { return json::parse(c.get("/.well-known/jwks.json").body)["keys"][0]["kid"] != oldKid; },
                         std::chrono::seconds(10)));
  // A token signed by the old key still verifies...
  auto me = c.get("/v1/auth/me", {"Authorization: Bearer " + oldToken});
  EXPECT_EQ(me.status, 200) << me.body;
  // ...and new tokens carry the new kid.
  std::string fresh = login(c, "ops@shop.ng");
  std::string header = fresh.substr(0, fresh.find('.'));
  EXPECT_NE(header, oldToken.substr(0, oldToken.find('.')));
  EXPECT_EQ(second->terminate(), 0);
}
