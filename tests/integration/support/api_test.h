#pragma once
// What the plugins' end-to-end tests share: the test.tokens plugin's bearer
// tokens ("test:<user id>:<role>") or callers signed in through the real auth
// plugin, plugin entries with their migrations from the source tree, and a
// fixture (on SQLite and PostgreSQL) with JSON request helpers and
// problem+json readers.
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <agape/testing/command.h>
#include <sqlite3.h>

#include "support/backend_test.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace agape::test {

inline const std::string kAdmin = "Authorization: Bearer test:u-admin:admin";
inline const std::string kMerchant = "Authorization: Bearer test:u-merchant:merchant";
inline const std::string kFulfilment = "Authorization: Bearer test:u-fulfil:fulfilment";
inline const std::string kFinance = "Authorization: Bearer test:u-finance:finance";
inline const std::string kCustomer = "Authorization: Bearer test:u-customer:customer";
inline const std::string kAda = "Authorization: Bearer test:u-ada:customer";
inline const std::string kBola = "Authorization: Bearer test:u-bola:customer";
inline const std::string kJson = "Content-Type: application/json";

// A plugins.enabled entry whose migrations come from the source tree.
inline std::string pluginEntry(const std::string& id) {
  return "{id: " + id + ", migrations: " + AGAPE_SOURCE_DIR + "/migrations/" + id + "}";
}

// The `code` of a problem+json body ("" when there is none).
inline std::string problemCode(const HttpResult& r) {
  return nlohmann::json::parse(r.body, nullptr, false).value("code", "");
}
// The fields its `errors` name.
inline std::set<std::string> problemFields(const HttpResult& r) {
  std::set<std::string> out;
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("errors"))
    for (const auto& e : j["errors"]) out.insert(e["field"].get<std::string>());
  return out;
}

class ApiTest : public BackendTest {
 protected:
  using Json = nlohmann::json;

  // Who a test calls as: test.tokens' callers by default. After
  // useRealAuth(), serve() enables the real auth plugin in place of
  // test.tokens, and each caller is an account of the same role made with
  // `agape users create` and signed in through /v1/auth/login.
  struct Callers {
    std::string admin = kAdmin, merchant = kMerchant, fulfilment = kFulfilment, finance = kFinance,
                customer = kCustomer, ada = kAda, bola = kBola;
    std::string adaId = "u-ada", bolaId = "u-bola", financeId = "u-finance";
  };
  void useRealAuth() { realAuth_ = true; }

  // A server with `plugins` and `extra` YAML, no rate limit in the way of
  // bursts from one address, a quiet access log; a client for it.
  // `sets` are more `--set key=value` overrides.
  void serve(std::vector<std::string> plugins, std::string extra, const std::vector<std::string>& sets = {}) {
    if (realAuth_) {
      for (auto& p : plugins)
        if (p == "test.tokens") p = pluginEntry("auth");
      extra += authSection();
    }
    const int port = freePort();
    config_ = dir_.write("agape.yaml", testConfig(dir_, port, plugins, extra, databaseUrl()));
    serverArgs_ = {"serve", "--config", config_, "--set", "logging.accessLog=false", "--set",
                   "server.rateLimits.default.requests=100000", "--set", "server.rateLimits.default.burst=100000"};
    for (const auto& s : sets) {
      serverArgs_.push_back("--set");
      serverArgs_.push_back(s);
    }
    server_ = std::make_unique<ServerProcess>(serverArgs_, port);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
    if (realAuth_) signInCallers();
  }
  // The auth plugin's section for a server with the real auth plugin.
  std::string authSection() const {
    return "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
           "/keys\n  publicBaseUrl: https://shop.test\n";
  }
  // An account holding `role`, made with `agape users create` on the
  // server's configuration, signed in through the real auth plugin.
  struct SignedIn {
    std::string header;  // Authorization: Bearer <access token>
    std::string id;
  };
  SignedIn signIn(const std::string& email, const std::string& role) {
    const std::string password = "Kente-weaver-2026!";
    const CommandResult made = runAgape(
        {"users", "create", "--config", config_, "--email", email, "--password-stdin", "--role", role}, {}, password + "\n");
    EXPECT_EQ(made.exitCode, 0) << made.output;
    const Json pair = ok(send("POST", "/v1/auth/login", Json{{"email", email}, {"password", password}}));
    if (!pair.is_object() || !pair.contains("accessToken")) return {};
    return {"Authorization: Bearer " + pair["accessToken"].get<std::string>(), pair["user"]["id"].get<std::string>()};
  }
  // The same callers signed in through the real auth plugin.
  void signInCallers() {
    as_.admin = signIn("admin@example.ng", "admin").header;
    as_.merchant = signIn("merchant@example.ng", "merchant").header;
    as_.fulfilment = signIn("fulfilment@example.ng", "fulfilment").header;
    const SignedIn finance = signIn("finance@example.ng", "finance");
    as_.finance = finance.header;
    as_.financeId = finance.id;
    as_.customer = signIn("customer@example.ng", "customer").header;
    const SignedIn ada = signIn("ada@example.ng", "customer"), bola = signIn("bola@example.ng", "customer");
    as_.ada = ada.header;
    as_.adaId = ada.id;
    as_.bola = bola.header;
    as_.bolaId = bola.id;
  }
  // The same server again on the same database and port, after a crash
  // (server_->kill9()) or a stop.
  void restart() {
    const int port = server_->port();
    server_.reset();
    server_ = std::make_unique<ServerProcess>(serverArgs_, port);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
  }
  // A JSON request (no body for a null `body`).
  HttpResult send(const std::string& method, const std::string& path, const Json& body,
                  std::vector<std::string> headers = {}) {
    headers.push_back(kJson);
    return client_->request(method, path, body.is_null() ? "" : body.dump(), headers);
  }
  HttpResult get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return client_->get(path, headers);
  }
  // The parsed body, expecting `status`.
  Json ok(const HttpResult& r, long status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }
  // "Ankara Wrap Dress" (₦15,000) in a Dresses category, one variant per
  // size, `stock` units of each (with the inventory plugin; -1: none set),
  // made by `admin` (an Authorization header).
  Json stockedProduct(const std::vector<std::string>& sizes, long long stock, const std::string& admin = kAdmin) {
    const Json cat = ok(send("POST", "/v1/categories", Json{{"name", "Dresses"}, {"slug", "dresses"}}, {admin}), 201);
    Json variants = Json::array();
    for (const auto& size : sizes) variants.push_back({{"sku", "ANK-1-" + size}, {"size", size}});
    const Json p = ok(send("POST", "/v1/products",
                           Json{{"name", "Ankara Wrap Dress"}, {"categoryId", cat["id"]}, {"price", 1'500'000},
                                {"status", "active"}, {"variants", variants}},
                           {admin}),
                      201);
    if (stock >= 0)
      for (const auto& v : p["variants"])
        ok(send("PATCH", "/v1/admin/inventory/" + v["id"].get<std::string>() + "/stock",
                Json{{"quantity", stock}, {"reason", "count"}}, {admin}));
    return p;
  }
  // One value from the server's database ("" when there is no row); also
  // for a change with RETURNING.
  std::string queryText(const std::string& sql) {
#ifdef AGAPE_WITH_PG
    if (schema_) return schema_->text(sql);
#endif
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2((dir_.path() + "/data/agape.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 5000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
          sqlite3_column_text(st, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }
  // Every row of every table of the server's database, as text: to show
  // that something is stored nowhere.
  std::string databaseDump() {
#ifdef AGAPE_WITH_PG
    if (schema_)
      return schema_->text(
          "SELECT string_agg(query_to_xml(format('SELECT * FROM %I', table_name), true, false, '')::text, E'\\n') "
          "FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
#endif
    return agape::testing::runCommand("sqlite3 -readonly '" + dir_.path() + "/data/agape.db' .dump").output;
  }
  static std::string code(const HttpResult& r) { return problemCode(r); }
  static std::set<std::string> fields(const HttpResult& r) { return problemFields(r); }

  TempDir dir_;
  Callers as_;
  bool realAuth_ = false;
  std::string config_;
  std::vector<std::string> serverArgs_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace agape::test
