// `agape serve` with `environment: production` refuses settings that are safe
// only in development, as configuration errors (exit 2, the key named): the
// payments sandbox, whose webhook key is public (also when `provider` is left
// out: it is the default); a Paystack test key, which takes no real money; and
// verified-email checks (on in production) without the auth plugin to make
// them. A shop with a live key starts.
#include <gtest/gtest.h>

#include <filesystem>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/api_test.h"

namespace agape::test {
namespace {

using namespace std::chrono_literals;

const std::string kLiveKey = "sk_live_0123456789abcdef";
const std::string kTestKey = "sk_test_0123456789abcdef";
// Paystack is never called while the server starts; nothing listens here.
const std::string kPaystack = "payments:\n  provider: paystack\n  secretKey: ${PAYSTACK_SECRET_KEY}\n"
                              "  baseUrl: http://127.0.0.1:9\n";

class ProductionServe : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freePort();
    // In production the sealing keys are the operator's to make, and so is the SQLite database.
    const CommandResult key =
        runAgape({"secrets", "rotate", "--config", config(kPaystack), "--set", "environment=production"});
    ASSERT_EQ(key.exitCode, 0) << key.output;
    const CommandResult migrated =
        runAgape({"migrate", "up", "--config", config(kPaystack), "--set", "environment=production"},
                 {"PAYSTACK_SECRET_KEY=" + kLiveKey});
    ASSERT_EQ(migrated.exitCode, 0) << migrated.output;
  }

  // The shop (auth with its own keys, catalogue, stock, cart, orders,
  // payments) with this payments: section ("" for none) and `extra` YAML.
  std::string config(const std::string& payments, bool withAuth = true, const std::string& extra = "") {
    std::vector<std::string> plugins = {pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"),
                                        pluginEntry("orders"), pluginEntry("payments")};
    if (withAuth) plugins.insert(plugins.begin(), pluginEntry("auth"));
    const std::string auth = "auth:\n  bcryptCost: 4\n  generateKeys: true\n  keysDir: " + dir_.path() +
                             "/auth-keys\n  publicBaseUrl: https://shop.example.ng\n";
    const std::string sections = (withAuth ? auth : "") + payments + extra;
    return dir_.write("agape.yaml", testConfig(dir_, port_, plugins, sections));
  }
  std::unique_ptr<ServerProcess> serve(const std::string& config, const std::vector<std::string>& env = {}) {
    return std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", config, "--set", "environment=production"}, port_, env);
  }
  // Runs a server that must refuse to start; its output.
  std::string refused(const std::string& config, const std::vector<std::string>& env = {}) {
    auto server = serve(config, env);
    EXPECT_FALSE(server->waitReady(20s)) << "started: " << server->output();
    EXPECT_EQ(server->exitCode(), 2) << server->output();
    return server->output();
  }

  TempDir dir_;
  int port_ = 0;
};

TEST_F(ProductionServe, TheSandboxIsRefusedWhetherDefaultOrExplicit) {
  const std::string defaulted = refused(config(""));
  EXPECT_NE(defaulted.find("agape: configuration error: payments.provider: not set, so the sandbox provider (the "
                           "default) would let anyone mark an order paid; production needs provider: paystack with a "
                           "live secretKey (sk_live_...)"),
            std::string::npos)
      << defaulted;

  const std::string cfg = config("payments:\n  provider: sandbox\n");
  const std::string sandbox = refused(cfg);
  EXPECT_NE(sandbox.find("agape: configuration error: payments.provider: the sandbox provider would let anyone mark "
                         "an order paid"),
            std::string::npos)
      << sandbox;
  EXPECT_NE(sandbox.find("(" + cfg + ":"), std::string::npos) << "where it is set: " << sandbox;
  // Refused before anything listens: no sandbox checkout page was ever served.
  EXPECT_EQ(sandbox.find("\"msg\":\"listening\""), std::string::npos) << sandbox;
}

TEST_F(ProductionServe, PaystackNeedsALiveKey) {
  const std::string cfg = config(kPaystack);
  const std::string testKey = refused(cfg, {"PAYSTACK_SECRET_KEY=" + kTestKey});
  EXPECT_NE(testKey.find("agape: configuration error: payments.secretKey: a Paystack test key (sk_test_...) takes no "
                         "real money; production needs the live secret key (sk_live_...) (" + cfg + ":"),
            std::string::npos)
      << testKey;
  EXPECT_EQ(testKey.find(kTestKey), std::string::npos) << "never the key itself: " << testKey;

  const std::string unset = refused(cfg);
  EXPECT_NE(unset.find("payments.secretKey: environment variable PAYSTACK_SECRET_KEY is not set"), std::string::npos)
      << unset;
  const std::string none = refused(config("payments:\n  provider: paystack\n"));
  EXPECT_NE(none.find("agape: configuration error: payments.provider: the paystack provider needs secretKey"),
            std::string::npos)
      << none;

  auto live = serve(config(kPaystack), {"PAYSTACK_SECRET_KEY=" + kLiveKey});
  ASSERT_TRUE(live->waitReady()) << live->output();
  HttpClient c(live->base());
  EXPECT_EQ(c.request("POST", "/v1/sandbox/checkout/any/pay").status, 404) << "no sandbox routes";
  EXPECT_EQ(live->terminate(), 0) << live->output();
  EXPECT_EQ(live->output().find(kLiveKey), std::string::npos) << "never the key itself";
}

// Development makes its own sealing key; production is given one (a key made
// by a server would differ on every instance and be lost with a container).
TEST_F(ProductionServe, SealingKeysAreTheOperatorsToMake) {
  std::filesystem::remove_all(dir_.path() + "/data/secrets");
  const std::string missing = refused(config(kPaystack), {"PAYSTACK_SECRET_KEY=" + kLiveKey});
  EXPECT_NE(missing.find("agape: configuration error: no sealing key in " + dir_.path() + "/data/secrets: create one "
                         "with `agape secrets rotate`"),
            std::string::npos)
      << missing;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/secrets"));
}

TEST_F(ProductionServe, VerifiedEmailsAreRequiredAndNeedTheAuthPlugin) {
  const std::vector<std::string> env = {"PAYSTACK_SECRET_KEY=" + kLiveKey};
  const std::string noAuth = refused(config(kPaystack, false), env);
  EXPECT_NE(noAuth.find("agape: configuration error: orders.requireVerifiedEmail: is on in production unless set to "
                        "false, and needs the auth plugin"),
            std::string::npos)
      << noAuth;

  auto optedOut = serve(config(kPaystack, false, "orders:\n  requireVerifiedEmail: false\n"), env);
  ASSERT_TRUE(optedOut->waitReady()) << optedOut->output();
  EXPECT_EQ(optedOut->terminate(), 0) << optedOut->output();
}

}  // namespace
}  // namespace agape::test
