// The catalogue's role matrix with the real auth plugin (RS256 access
// tokens from /v1/auth/login, not the test token plugin), on SQLite and
// PostgreSQL: every write route as anonymous, customer, merchant and admin.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/backend_test.h"
#include "support/server_process.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

constexpr const char* kPassword = "Aso-oke-loom-2026!";

class CatalogRoles : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    const std::string url = databaseUrl();
    const std::string src = AGAPE_SOURCE_DIR;
    cfg_ = dir_.write("agape.yaml",
                      testConfig(dir_, port_,
                                 {"{id: auth, migrations: " + src + "/migrations/auth}",
                                  "{id: catalog, migrations: " + src + "/migrations/catalog}"},
                                 "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
                                     "/keys\n",
                                 url));
    for (const auto& [email, role] : {std::pair{"admin@shop.ng", "admin"}, std::pair{"stock@shop.ng", "merchant"},
                                      std::pair{"ada@shop.ng", "customer"}, std::pair{"pay@shop.ng", "finance"}}) {
      auto r = runAgape({"users", "create", "--config", cfg_, "--email", email, "--password-stdin", "--role", role}, {},
                        std::string(kPassword) + "\n");
      ASSERT_EQ(r.exitCode, 0) << r.output;
    }
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", cfg_, "--set", "logging.accessLog=false"}, port_);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
  }

  std::string bearer(const std::string& email) {
    auto r = client_->request("POST", "/v1/auth/login", Json{{"email", email}, {"password", kPassword}}.dump(),
                              {"Content-Type: application/json"});
    EXPECT_EQ(r.status, 200) << r.body;
    return "Authorization: Bearer " + Json::parse(r.body).value("accessToken", "");
  }

  HttpResult send(const std::string& method, const std::string& path, const Json& body, const std::string& auth) {
    return client_->request(method, path, body.is_null() ? "" : body.dump(), {"Content-Type: application/json", auth});
  }

  TempDir dir_;
  int port_ = freePort();
  std::string cfg_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(CatalogRoles, EveryWriteRouteAcceptsOnlyItsRoles) {
  const std::string admin = bearer("admin@shop.ng"), merchant = bearer("stock@shop.ng"),
                    customer = bearer("ada@shop.ng"), finance = bearer("pay@shop.ng"), none = "X-None: 1";
  auto created = send("POST", "/v1/categories", Json{{"name", "Women"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string women = Json::parse(created.body)["id"];
  auto other = send("POST", "/v1/categories", Json{{"name", "Men"}}, admin);
  const std::string men = Json::parse(other.body)["id"];
  auto p = send("POST", "/v1/products",
                Json{{"name", "Adire Maxi Dress"}, {"categoryId", women}, {"price", 1'500'000},
                     {"variants", {{{"sku", "ADR-1-M"}, {"size", "M"}}}}},
                admin);
  ASSERT_EQ(p.status, 201) << p.body;
  const std::string id = Json::parse(p.body)["id"];
  const std::string variant = Json::parse(p.body)["variants"][0]["id"];

  struct Case {
    std::string method, path;
    Json body;
    std::string who;
    long status;
  };
  int n = 0;
  auto product = [&] {
    return Json{{"name", "Kente Shirt " + std::to_string(++n)}, {"categoryId", women}, {"price", 900'000},
                {"variants", {{{"sku", "KNT-" + std::to_string(100 + n)}}}}};
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/products", product(), none, 401},
      {"POST", "/v1/products", product(), customer, 403},
      {"POST", "/v1/products", product(), finance, 403},
      {"POST", "/v1/products", product(), merchant, 201},
      {"POST", "/v1/products", product(), admin, 201},
      {"PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 1'400'000}}, none, 401},
      {"PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 1'400'000}}, customer, 403},
      {"PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 1'400'000}}, merchant, 200},
      {"PATCH", "/v1/products/" + id, Json{{"version", 2}, {"price", 1'300'000}}, admin, 200},
      {"POST", "/v1/products/" + id + "/variants", Json{{"version", 3}, {"sku", "ADR-1-L"}}, customer, 403},
      {"POST", "/v1/products/" + id + "/variants", Json{{"version", 3}, {"sku", "ADR-1-L"}}, merchant, 201},
      {"PATCH", "/v1/products/" + id + "/variants/" + variant, Json{{"version", 4}, {"color", "Indigo"}}, none, 401},
      {"PATCH", "/v1/products/" + id + "/variants/" + variant, Json{{"version", 4}, {"color", "Indigo"}}, finance, 403},
      {"PATCH", "/v1/products/" + id + "/variants/" + variant, Json{{"version", 4}, {"color", "Indigo"}}, admin, 200},
      // Archiving and restoring through PATCH is the admin's, as DELETE is;
      // draft and active stay the editors'.
      {"PATCH", "/v1/products/" + id, Json{{"version", 5}, {"status", "archived"}}, merchant, 403},
      {"PATCH", "/v1/products/" + id, Json{{"version", 5}, {"status", "archived"}}, admin, 200},
      {"PATCH", "/v1/products/" + id, Json{{"version", 6}, {"status", "active"}}, merchant, 403},
      {"PATCH", "/v1/products/" + id, Json{{"version", 6}, {"status", "draft"}}, merchant, 403},
      {"PATCH", "/v1/products/" + id, Json{{"version", 6}, {"price", 1'200'000}}, merchant, 200},
      {"PATCH", "/v1/products/" + id, Json{{"version", 7}, {"status", "active"}}, admin, 200},
      {"PATCH", "/v1/products/" + id, Json{{"version", 8}, {"status", "draft"}}, merchant, 200},
      {"PATCH", "/v1/products/" + id, Json{{"version", 9}, {"status", "active"}}, merchant, 200},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, none, 401},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, customer, 403},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, merchant, 201},
      {"PATCH", "/v1/categories/" + men, Json{{"name", "Menswear"}}, customer, 403},
      {"PATCH", "/v1/categories/" + men, Json{{"name", "Menswear"}}, merchant, 200},
      {"DELETE", "/v1/categories/" + men, nullptr, none, 401},
      {"DELETE", "/v1/categories/" + men, nullptr, finance, 403},
      {"DELETE", "/v1/categories/" + men, nullptr, merchant, 204},
      {"DELETE", "/v1/products/" + id, nullptr, none, 401},
      {"DELETE", "/v1/products/" + id, nullptr, customer, 403},
      {"DELETE", "/v1/products/" + id, nullptr, merchant, 403},
      {"DELETE", "/v1/products/" + id, nullptr, admin, 204},
  };
  for (const auto& c : cases) {
    auto r = send(c.method, c.path, c.body, c.who);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " as " << c.who.substr(0, 40) << ": " << r.body;
  }
  // The archived product: 404 to customers, visible to staff with a real token.
  EXPECT_EQ(client_->get("/v1/products/adire-maxi-dress", {customer}).status, 404);
  EXPECT_EQ(client_->get("/v1/products/adire-maxi-dress").status, 404);
  EXPECT_EQ(client_->get("/v1/products/adire-maxi-dress", {merchant}).status, 200);
  // A forged or tampered token is refused, not treated as anonymous.
  std::string tampered = admin;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(send("POST", "/v1/categories", Json{{"name", "Forged"}}, tampered).status, 401);
  EXPECT_EQ(server_->terminate(), 0);
}

AGAPE_BACKENDS(CatalogRoles);

}  // namespace
}  // namespace agape::test
