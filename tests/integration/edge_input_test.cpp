// What PostgreSQL cannot store (invalid UTF-8, NUL) is refused at the edge
// as a 400 naming the parameter, on SQLite and PostgreSQL alike, and a
// client's mistake writes no error-level log line.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/backend_test.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

class EdgeInput : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    const std::string src = AGAPE_SOURCE_DIR;
    cfg_ = dir_.write("agape.yaml",
                      testConfig(dir_, port_,
                                 {"{id: auth, migrations: " + src + "/migrations/auth}",
                                  "{id: catalog, migrations: " + src + "/migrations/catalog}", "demo"},
                                 "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() + "/keys\n",
                                 databaseUrl()));
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--config", cfg_}, port_);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
  }

  // The one field a 400 validation_failed problem names.
  static std::string refusedField(const HttpResult& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    const Json p = Json::parse(r.body, nullptr, false);
    EXPECT_EQ(p.value("code", ""), "validation_failed") << r.body;
    if (!p.contains("errors") || p["errors"].empty()) return "";
    return p["errors"][0].value("field", "");
  }

  HttpResult post(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/json");
    return client_->request("POST", path, body, headers);
  }

  TempDir dir_;
  int port_ = freePort();
  std::string cfg_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(EdgeInput, BrokenTextInPathQueryOrBodyIsA400NamingTheParameter) {
  // Path parameters, on a cached route and on a plain one.
  EXPECT_EQ(refusedField(client_->get("/v1/products/%FF")), "idOrSlug");
  EXPECT_EQ(refusedField(client_->get("/v1/products/ankara%00dress")), "idOrSlug");
  EXPECT_EQ(refusedField(client_->get("/v1/products?category=%C3%28")), "category");
  // Query values and names; an overlong encoding of '/' and a lone surrogate are not UTF-8 either.
  EXPECT_EQ(refusedField(client_->get("/v1/products?q=%FF")), "q");
  EXPECT_EQ(refusedField(client_->get("/v1/products?q=%C0%AF")), "q");
  EXPECT_EQ(refusedField(client_->get("/v1/products/search?q=%ED%A0%80")), "q");
  EXPECT_EQ(refusedField(client_->get("/v1/products?q=a%00b")), "q");
  EXPECT_EQ(client_->get("/v1/products?%FF=1").status, 400);
  // Clean UTF-8 passes: Yoruba letters in a search and in a slug that does not exist.
  EXPECT_EQ(client_->get("/v1/products/search?q=%E1%BA%B9%E1%BB%8D").status, 200);
  EXPECT_EQ(client_->get("/v1/products/%E1%BA%B9%E1%BB%8D-dress").status, 404);

  // JSON bodies: \u0000 anywhere (value, nested, key) is refused with its path; raw invalid UTF-8 is not JSON.
  const std::string password = "Aso-oke-loom-2026!";
  EXPECT_EQ(refusedField(post("/v1/auth/register",
                              R"({"email":"ada\u0000@shop.ng","password":")" + password + R"(","name":"Ada"})")),
            "email");
  EXPECT_EQ(refusedField(post("/v1/auth/register",
                              R"({"email":"ada@shop.ng","password":")" + password + R"(","firstName":"A\u0000da"})")),
            "firstName");
  auto raw = post("/v1/auth/register", "{\"email\":\"ada@shop.ng\",\"password\":\"" + password +
                                           "\",\"firstName\":\"Ad\xff\xfe\"}");
  EXPECT_EQ(raw.status, 400) << raw.body;

  // A User-Agent in Latin-1 is kept for the session list, cleaned, not refused.
  auto reg = post("/v1/auth/register",
                  Json{{"email", "ada@shop.ng"}, {"password", password}, {"firstName", "Ada"}, {"lastName", "Ọlọ́run"}}.dump());
  ASSERT_EQ(reg.status, 201) << reg.body;
  auto login = post("/v1/auth/login", Json{{"email", "ada@shop.ng"}, {"password", password}}.dump(),
                    {"User-Agent: Navigat\xe9ur/1.0 \xff"});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string bearer = "Authorization: Bearer " + Json::parse(login.body).value("accessToken", "");
  auto sessions = client_->get("/v1/auth/sessions", {bearer});
  ASSERT_EQ(sessions.status, 200) << sessions.body;
  EXPECT_NE(sessions.body.find("Navigat\xef\xbf\xbdur/1.0"), std::string::npos) << sessions.body;

  server_->terminate();
  const std::string log = server_->output();
  EXPECT_EQ(log.find("\"level\":\"error\""), std::string::npos) << log;
}

AGAPE_BACKENDS(EdgeInput);

}  // namespace
}  // namespace agape::test
