#pragma once
// One real `agape serve` (hello and test.slow enabled) shared by the tests
// of a suite, started with the suite's `--set` overrides. After every test
// the server must still answer /healthz on a fresh connection at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "raw_client.h"
#include "support/server_process.h"

namespace agape::test {

// `Suite` provides `static std::vector<std::string> settings()`, e.g.
// {"server.headerTimeout=1s"}; each suite gets a server of its own.
template <class Suite>
class ServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    port_ = freePort();
    const std::string cfg = dir_->write("agape.yaml", testConfig(*dir_, port_, {"hello", "test.slow"}));
    std::vector<std::string> args{"serve", "--config", cfg};
    for (const auto& setting : Suite::settings()) {
      args.emplace_back("--set");
      args.push_back(setting);
    }
    server_ = new ServerProcess(args, port_);
    ready_ = server_->waitReady();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << server_->output(); }
  void TearDown() override {
    RawClient c(port_);
    ASSERT_TRUE(c.send(get("/healthz")));
    auto r = c.read(2000ms);
    ASSERT_TRUE(r) << "the server stopped answering\n" << server_->output();
    EXPECT_EQ(r->status, 200);
  }

  static inline TempDir* dir_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline int port_ = 0;
  static inline bool ready_ = false;
};

}  // namespace agape::test
