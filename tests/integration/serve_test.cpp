// Starts the real server binary with the hello plugin and checks what a
// storefront client and an operator see.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include <agape/version.h>

#include "support/http_client.h"
#include "support/server_process.h"

using namespace agape::test;
using nlohmann::json;

namespace {

struct Served {
  TempDir dir;
  int port = freePort();
  std::unique_ptr<ServerProcess> server;
  explicit Served(const std::string& extra = "hello:\n  greeting: Hi\n", const std::string& db = "") {
    std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"hello"}, extra, db));
    server = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--config", cfg}, port);
  }
};

}  // namespace

TEST(Serve, HelloPluginRouteWithKeepAlive) {
  Served s;
  ASSERT_TRUE(s.server->waitReady()) << s.server->output();
  HttpClient c(s.server->base());
  auto r = c.get("/v1/hello/Ada");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["message"], "Hi, Ada!");
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.header("x-request-id").size(), 36u);
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  // curl sends HTTP/1.1 without a Connection header: the connection must stay open.
  EXPECT_EQ(r.header("connection"), "Keep-Alive");
  auto again = c.get("/v1/hello/Bola", {"X-Request-Id: trace-42"});
  EXPECT_EQ(again.connectsUsed, 0) << "the second request needed a new connection";
  EXPECT_EQ(again.header("x-request-id"), "trace-42");
  EXPECT_EQ(s.server->terminate(), 0) << s.server->output();
  std::string out = s.server->output();
  EXPECT_NE(out.find("\"requestId\":\"trace-42\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"route\":\"/v1/hello/:name\""), std::string::npos);
}

TEST(Serve, OperationsEndpoints) {
  Served s;
  ASSERT_TRUE(s.server->waitReady()) << s.server->output();
  HttpClient c(s.server->base());
  c.get("/v1/hello/x");
  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(json::parse(ready.body)["checks"]["database"], "up");

  auto metrics = c.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("agape_http_requests_total{method=\"GET\",route=\"/v1/hello/:name\",status=\"200\"} 1"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("agape_db_pool_connections{state=\"idle\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("agape_plugin_info{id=\"hello\",version=\"1.0.0\"} 1"), std::string::npos);

  auto openapi = c.get("/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  auto doc = json::parse(openapi.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/v1/hello/{name}"));
  EXPECT_EQ(doc["paths"]["/v1/hello/{name}"]["get"]["summary"], "Greets someone by name");
  EXPECT_TRUE(doc["paths"].contains("/healthz"));
  if (const char* out = std::getenv("AGAPE_OPENAPI_OUT")) std::ofstream(out) << openapi.body;

  auto missing = c.get("/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  EXPECT_EQ(json::parse(missing.body)["code"], "not_found");
  auto wrong = c.request("DELETE", "/v1/hello/x");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, HEAD");
}

TEST(Serve, PostgreSqlDatabase) {
  const char* pg = std::getenv("AGAPE_TEST_PG_URL");
  if (!pg) GTEST_SKIP() << "AGAPE_TEST_PG_URL is not set (scripts/test.sh starts PostgreSQL)";
  Served s("", pg);
  ASSERT_TRUE(s.server->waitReady()) << s.server->output();
  HttpClient c(s.server->base());
  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(s.server->terminate(), 0);
}

TEST(Serve, PluginFailingToStartRollsBackAndExits1) {
  TempDir dir;
  int port = freePort();
  std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"test.alpha", "test.throws"}));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("plugin \"test.throws\" failed to start: boom: cannot reach the payment provider"),
            std::string::npos) << r.output;
}

TEST(Serve, PluginFailingToProvisionExits1ARefusedSettingExits2) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, freePort(), {"test.alpha"}));
  auto failed = runAgape({"serve", "--config", cfg}, {"AGAPE_TEST_FAIL=test.alpha:provision"});
  EXPECT_EQ(failed.exitCode, 1) << failed.output;
  EXPECT_NE(failed.output.find("plugin \"test.alpha\" failed to provision: injected provision failure"),
            std::string::npos) << failed.output;
  for (const std::string phase : {"provision", "validate"}) {
    auto refused = runAgape({"serve", "--config", cfg}, {"AGAPE_TEST_FAIL=test.alpha:" + phase + ":config"});
    EXPECT_EQ(refused.exitCode, 2) << refused.output;
    EXPECT_NE(refused.output.find("agape: configuration error: test.alpha.mode: refused at " + phase),
              std::string::npos)
        << refused.output;
  }
}

TEST(Serve, AbiMismatchRefusedWithClearMessage) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, freePort(), {"test.abi"}));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("ABI version " + std::to_string(agape::kAbiVersion + 998) + " instead of " +
                          std::to_string(agape::kAbiVersion)),
            std::string::npos)
      << r.output;
}

TEST(Serve, ConfigErrorExits2WithLocation) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, freePort(), {"hello"}, "hello:\n  greting: Hi\n"));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("hello.greting: unknown key (" + cfg + ":"), std::string::npos) << r.output;
}

TEST(Serve, PortInUseIsARuntimeFailure) {
  Served first;
  ASSERT_TRUE(first.server->waitReady());
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, first.port, {"hello"}));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port)), std::string::npos) << r.output;
}

TEST(Serve, SigtermDrainsInFlightRequests) {
  TempDir dir;
  int port = freePort();
  std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"test.slow"}));
  ServerProcess server({"serve", "--config", cfg}, port);
  ASSERT_TRUE(server.waitReady()) << server.output();
  HttpResult slow;
  std::thread client([&] {
    HttpClient c(server.base());
    slow = c.get("/v1/test/slow?ms=800");
  });
  // Wait until the request is in flight (the metrics gauge says so), then stop.
  HttpClient probe(server.base());
  for (int i = 0; i < 200; ++i) {
    if (probe.get("/metrics").body.find("agape_http_requests_in_flight 2") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server.terminate(), 0) << server.output();
  client.join();
  EXPECT_EQ(slow.status, 200) << server.output();
  EXPECT_EQ(json::parse(slow.body)["sleptMs"], 800);
  EXPECT_NE(server.output().find("\"msg\":\"stopped\""), std::string::npos);
}

TEST(Serve, QueryParametersArePercentDecoded) {
  TempDir dir;
  int port = freePort();
  std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"test.slow"}));
  ServerProcess server({"serve", "--config", cfg}, port);
  ASSERT_TRUE(server.waitReady()) << server.output();
  HttpClient c(server.base());
  auto r = c.get("/v1/test/slow?ms=1%30");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["sleptMs"], 10);
}
