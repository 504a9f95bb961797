// The demo plugin's commands through the real binary, on SQLite and
// PostgreSQL: `agape seed demo` and `agape seed bench --products N`; and
// the plugin refused outside development.
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

class DemoSeed : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    const std::string url = databaseUrl();
    const std::string plugin = std::string("{id: catalog, migrations: ") + AGAPE_SOURCE_DIR + "/migrations/catalog}";
    // The commands only: no demo catalogue on start.
    cfg_ = dir_.write("agape.yaml", testConfig(dir_, port_, {plugin, "demo"}, "demo:\n  catalogue: false\n", url));
  }

  CommandResult agape(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(cfg_);
    return runAgape(args);
  }

  Json getJson(const std::string& path) {
    auto server = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", cfg_, "--set", "logging.accessLog=false"}, port_);
    EXPECT_TRUE(server->waitReady()) << server->output();
    HttpClient c(server->base());
    auto r = c.get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(server->terminate(), 0);
    return Json::parse(r.body, nullptr, false);
  }

  TempDir dir_;
  int port_ = freePort();
  std::string cfg_;
};

TEST_P(DemoSeed, DemoLoadsOnceIntoAnEmptyCatalogue) {
  auto first = agape({"seed", "demo"});
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_NE(first.output.find("loaded 18 categories, 203 products and"), std::string::npos) << first.output;
  auto again = agape({"seed", "demo"});
  EXPECT_EQ(again.exitCode, 0) << again.output;
  EXPECT_NE(again.output.find("already has products; nothing loaded"), std::string::npos) << again.output;
  auto bench = agape({"seed", "bench", "--products", "10"});
  EXPECT_EQ(bench.exitCode, 1);
  EXPECT_NE(bench.output.find("needs an empty one"), std::string::npos) << bench.output;
  EXPECT_EQ(getJson("/v1/products?limit=1")["meta"]["total"], 203);
}

TEST_P(DemoSeed, BenchGeneratesADeterministicCatalogue) {
  auto r = agape({"seed", "bench", "--products", "2000"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("loaded 12 categories, 2000 products and 6000 variants"), std::string::npos) << r.output;
  // Every ninth product is a dress; the search index was built in the load.
  EXPECT_EQ(getJson("/v1/products/search?q=dress&limit=1")["meta"]["total"], 223);
  const Json first = getJson("/v1/products?sort=name&limit=1");
  EXPECT_EQ(first["meta"]["total"], 2000);
  ASSERT_EQ(first["data"].size(), 1u);
  EXPECT_EQ(first["data"][0]["variants"].size(), 3u);
  EXPECT_EQ(first["data"][0]["name"], "Abuja Black Kaftan 1625");
  // Every product says "made in Nigeria": more matches than the search engine
  // counts exactly, so the total is its estimate, and says so; counting
  // facets visits every match, so the total is exact again.
  const Json broad = getJson("/v1/products/search?q=nigeria&limit=1");
  EXPECT_EQ(broad["meta"]["totalIsEstimate"], true) << broad["meta"];
  EXPECT_GE(broad["meta"]["total"].get<long long>(), 1000);
  const Json counted = getJson("/v1/products/search?q=nigeria&limit=1&facets=category");
  EXPECT_EQ(counted["meta"]["totalIsEstimate"], false);
  EXPECT_EQ(counted["meta"]["total"], 2000);
}

TEST_P(DemoSeed, UsageErrorsExitWithTwo) {
  EXPECT_EQ(agape({"seed", "bench"}).exitCode, 2);
  EXPECT_EQ(agape({"seed", "bench", "--products", "0"}).exitCode, 2);
  EXPECT_EQ(agape({"seed", "bench", "--products", "12x"}).exitCode, 2);
  EXPECT_EQ(agape({"seed", "demo", "extra"}).exitCode, 2);
  auto help = agape({"seed", "bench", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.output.find("Usage: agape seed bench --products N"), std::string::npos) << help.output;
}

TEST_P(DemoSeed, RefusedOutsideDevelopment) {
  // What production needs otherwise: a database and a sealing key it did not make itself.
  ASSERT_EQ(agape({"migrate", "up"}).exitCode, 0);
  ASSERT_EQ(agape({"secrets", "rotate"}).exitCode, 0);
  auto r = agape({"seed", "demo", "--set", "environment=production"});
  EXPECT_EQ(r.exitCode, 2) << r.output;  // a configuration error, not a plugin failure
  EXPECT_NE(r.output.find("plugins.enabled: the demo plugin (demo catalogue, stock and seed commands) is for "
                          "development only"),
            std::string::npos)
      << r.output;
}

AGAPE_BACKENDS(DemoSeed);

}  // namespace
}  // namespace agape::test
