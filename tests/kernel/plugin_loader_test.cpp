// The plugin host against real plugin libraries (tests/plugins), built into
// AGAPE_TEST_PLUGIN_DIR. Test plugins append "<id>:<phase>" lines to the file
// named by AGAPE_TEST_LIFECYCLE_LOG, which lets these tests assert the exact
// order of every step across plugins, including destructors.
#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../plugins/greeter_service.h"
#include "agape/config.h"
#include "agape/commands.h"
#include "agape/context.h"
#include "agape/http.h"
#include "agape/testing/manual_clock.h"
#include "agape/version.h"
#include "log/log.h"
#include "plugins/dependency_order.h"
#include "plugins/plugin_error.h"
#include "plugins/plugin_host.h"

namespace agape::kernel {
namespace {

namespace fs = std::filesystem;

const std::string kPluginDir = AGAPE_TEST_PLUGIN_DIR;

std::string libraryPath(const std::string& name) { return kPluginDir + "/libagape_test_" + name + ".so"; }

// ---------------------------------------------------------------- fakes

// A configuration node: a missing section, or a map of scalars.
class FakeView final : public ConfigView {
 public:
  static std::unique_ptr<FakeView> missing(std::string path) {
    return std::make_unique<FakeView>(Kind::Missing, std::move(path), "");
  }
  FakeView(Kind kind, std::string path, std::string location,
           std::vector<std::pair<std::string, std::string>> scalars = {}, std::string text = {})
      : kind_(kind), path_(std::move(path)), location_(std::move(location)),
        scalars_(std::move(scalars)), text_(std::move(text)) {}

  Kind kind() const override { return kind_; }
  std::string path() const override { return path_; }
  std::string location() const override { return location_; }
  std::vector<std::string> keys() const override {
    std::vector<std::string> out;
    for (const auto& [key, value] : scalars_) out.push_back(key);
    return out;
  }
  std::unique_ptr<ConfigView> child(std::string_view key) const override {
    for (const auto& [k, value] : scalars_)
      if (k == key) return std::make_unique<FakeView>(Kind::Scalar, path_ + "." + k, location_,
                                        std::vector<std::pair<std::string, std::string>>{}, value);
    return missing(path_ + "." + std::string(key));
  }
  std::size_t size() const override { return 0; }
  std::unique_ptr<ConfigView> at(std::size_t) const override { throw std::out_of_range("not a sequence"); }
  std::string scalar() const override { return text_; }

 private:
  Kind kind_;
  std::string path_, location_;
  std::vector<std::pair<std::string, std::string>> scalars_;
  std::string text_;
};

// Records "METHOD /path" of every route added, into a list the test owns.
// The handlers stay here, in the context, as they would in the kernel.
class RecordingRoutes final : public Routes {
 public:
  explicit RecordingRoutes(std::vector<std::string>& added) : added_(added) {}
  void add(Method method, std::string pathTemplate, Handler handler, RouteOptions) override {
    added_.push_back(std::string(methodName(method)) + " " + pathTemplate);
    handlers_.push_back(std::move(handler));
  }

 private:
  std::vector<std::string>& added_;
  std::vector<Handler> handlers_;
};

class FakeContext final : public Context {
 public:
  FakeContext(const PluginInfo& info, Services& services, std::vector<std::string>& routes)
      : id_(info.id), services_(services), routes_(routes), config_(FakeView::missing(info.id)), logger_(info.id) {}
  std::string_view pluginId() const override { return id_; }
  Routes& routes() override { return routes_; }
  Database& db() override { throw std::logic_error("db: not available in this test"); }
  Services& services() override { return services_; }
  const ConfigView& config() const override { return *config_; }
  Logger& logger() override { return logger_; }
  Metrics& metrics() override { throw std::logic_error("metrics: not available in this test"); }
  const Clock& clock() const override { return clock_; }
  Jobs& jobs() override { throw std::logic_error("jobs: not available in this test"); }
  Events& events() override { throw std::logic_error("events: not available in this test"); }
  Audit& audit() override { throw std::logic_error("audit: not available in this test"); }
  Commands& commands() override { throw std::logic_error("commands: not available in this test"); }
  std::string_view environment() const override { return "development"; }
  std::string_view dataDir() const override { return "data"; }

 private:
  std::string id_;
  Services& services_;
  RecordingRoutes routes_;
  std::unique_ptr<FakeView> config_;
  JsonLogger logger_;
  agape::testing::ManualClock clock_;
};

// ---------------------------------------------------------------- fixture

class PluginHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    logFile_ = fs::temp_directory_path() /
               ("agape-lifecycle-" + std::to_string(::getpid()) + "-" + test->name() + ".log");
    fs::remove(logFile_);
    ::setenv("AGAPE_TEST_LIFECYCLE_LOG", logFile_.c_str(), 1);
    ::unsetenv("AGAPE_TEST_FAIL");
  }
  void TearDown() override {
    ::unsetenv("AGAPE_TEST_LIFECYCLE_LOG");
    ::unsetenv("AGAPE_TEST_FAIL");
    fs::remove(logFile_);
  }

  std::vector<std::string> lifecycle() const {
    std::vector<std::string> lines;
    std::ifstream in(logFile_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  static PluginsConfig configOf(const std::vector<std::string>& ids) {
    PluginsConfig config;
    config.paths = {kPluginDir};
    for (const auto& id : ids) config.enabled.push_back(PluginEntry{.id = id});
    return config;
  }

  static std::vector<std::string> idsOf(const PluginHost& host) {
    std::vector<std::string> ids;
    for (const auto& info : host.plugins()) ids.push_back(info.id);
    return ids;
  }

  // The message of the PluginError that load() throws.
  static std::string loadError(PluginsConfig config) {
    PluginHost host(std::move(config));
    try {
      host.load();
    } catch (const PluginError& e) {
      return e.what();
    }
    return "(load() did not throw a PluginError)";
  }

  static void configureAll(PluginHost& host) {
    host.configure([](const PluginInfo& info) { return FakeView::missing(info.id); });
  }
  void provisionAll(PluginHost& host) {
    host.provision([&](const PluginInfo& info) -> std::unique_ptr<Context> {
      return std::make_unique<FakeContext>(info, host.services(), routes_);
    });
  }
  void runUpToStart(PluginHost& host) {
    host.load();
    configureAll(host);
    provisionAll(host);
    host.validate();
    host.start();
  }

  fs::path logFile_;
  std::vector<std::string> routes_;  // outlives every host of a test
};

using Lines = std::vector<std::string>;

// A library is still mapped in this process.
bool isLoaded(const std::string& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

// ---------------------------------------------------------------- loading errors

TEST_F(PluginHostTest, LibraryNotFoundNamesTheFilesAndDirectories) {
  PluginsConfig config;
  config.paths = {"/nonexistent/a", "/nonexistent/b"};
  config.enabled = {PluginEntry{.id = "acme.loyalty"}};
  EXPECT_EQ(loadError(config),
            "plugin \"acme.loyalty\": library not found (looked for libagape_acme_loyalty.so, "
            "libacme.loyalty.so in /nonexistent/a, /nonexistent/b)");
}

TEST_F(PluginHostTest, LibraryNotFoundWithoutSearchPaths) {
  PluginsConfig config;
  config.enabled = {PluginEntry{.id = "x"}};
  EXPECT_EQ(loadError(config),
            "plugin \"x\": library not found (looked for libagape_x.so, libx.so in no directory "
            "(plugins.paths is empty))");
}

TEST_F(PluginHostTest, SearchFallsBackToPlainLibraryName) {
  // lib<id>.so is found when libagape_<id>.so is absent.
  const fs::path dir = fs::temp_directory_path() / ("agape-plain-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(libraryPath("gamma"), dir / "libtest.gamma.so", fs::copy_options::overwrite_existing);
  PluginsConfig config;
  config.paths = {"/nonexistent", dir.string()};
  config.enabled = {PluginEntry{.id = "test.gamma"}};
  {
    PluginHost host(config);
    host.load();
    EXPECT_EQ(host.plugins().at(0).path, (dir / "libtest.gamma.so").string());
  }
  fs::remove_all(dir);
}

TEST_F(PluginHostTest, CannotLoadCarriesTheDlerrorText) {
  const fs::path file = fs::temp_directory_path() / ("agape-garbage-" + std::to_string(::getpid()) + ".so");
  { std::ofstream(file) << "this is not an ELF file"; }
  ASSERT_EQ(::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL), nullptr);
  const std::string dlerrorText = ::dlerror();

  PluginsConfig config;
  config.enabled = {PluginEntry{.id = "test.garbage", .file = file.string()}};
  EXPECT_EQ(loadError(config), "plugin \"test.garbage\": cannot load " + file.string() + ": " + dlerrorText);
  fs::remove(file);
}

TEST_F(PluginHostTest, CannotLoadMissingExplicitFile) {
  const std::string file = "/nonexistent/libagape_gone.so";
  ASSERT_EQ(::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL), nullptr);
  const std::string dlerrorText = ::dlerror();
  PluginsConfig config;
  config.paths = {kPluginDir};  // not searched: the explicit file wins
  config.enabled = {PluginEntry{.id = "gone", .file = file}};
  EXPECT_EQ(loadError(config), "plugin \"gone\": cannot load " + file + ": " + dlerrorText);
}

TEST_F(PluginHostTest, LibraryWithoutEntryPointIsNotAPlugin) {
  EXPECT_EQ(loadError(configOf({"test.notplugin"})),
            libraryPath("notplugin") + ": not an Agape plugin (no agape_plugin_descriptor entry point)");
}

TEST_F(PluginHostTest, OtherAbiVersionIsRefusedBeforeReadingAnythingElse) {
  // The test plugin's other descriptor fields are null: reading them would crash.
  EXPECT_EQ(loadError(configOf({"test.abi"})),
            "plugin \"test.abi\" (" + libraryPath("abi") + "): ABI version " + std::to_string(kAbiVersion + 998) +
                " instead of " + std::to_string(kAbiVersion) + "; rebuild it against Agape SDK " +
                AGAPE_SDK_VERSION);
}

TEST_F(PluginHostTest, OtherBuildSignatureIsRefused) {
  EXPECT_EQ(loadError(configOf({"test.signature"})),
            "plugin \"test.signature\" (" + libraryPath("signature") +
                "): is not binary compatible: built as \"gcc-1;c++199711L;libstdc++-cxx11abi0;debug\", "
                "the kernel is \"" AGAPE_BUILD_SIGNATURE "\"");
}

TEST_F(PluginHostTest, LibraryHoldingAnotherPluginIsRefused) {
  PluginsConfig config;
  config.enabled = {PluginEntry{.id = "test.wrong", .file = libraryPath("alpha")}};
  EXPECT_EQ(loadError(config),
            "plugin \"test.wrong\": the library " + libraryPath("alpha") + " holds plugin \"test.alpha\"");
}

TEST_F(PluginHostTest, PluginEnabledTwiceIsRefused) {
  EXPECT_EQ(loadError(configOf({"test.alpha", "test.gamma", "test.alpha"})),
            "plugin \"test.alpha\" is enabled twice");
}

TEST_F(PluginHostTest, MissingRequiredDependencyIsRefused) {
  EXPECT_EQ(loadError(configOf({"test.missingdep"})),
            "plugin \"test.missingdep\" depends on \"test.absent\", which is not enabled");
  EXPECT_EQ(loadError(configOf({"test.gamma", "test.beta"})),
            "plugin \"test.beta\" depends on \"test.alpha\", which is not enabled");
}

TEST_F(PluginHostTest, DependencyCycleIsReportedFromTheFirstPluginInConfigOrder) {
  EXPECT_EQ(loadError(configOf({"test.cyclea", "test.cycleb"})),
            "plugin dependency cycle: test.cyclea -> test.cycleb -> test.cyclea");
  EXPECT_EQ(loadError(configOf({"test.alpha", "test.cycleb", "test.cyclea"})),
            "plugin dependency cycle: test.cycleb -> test.cyclea -> test.cycleb");
}

TEST_F(PluginHostTest, FailedLoadConstructsNothingAndUnloadsEverything) {
  EXPECT_EQ(loadError(configOf({"test.alpha", "test.gamma", "test.missingdep"})),
            "plugin \"test.missingdep\" depends on \"test.absent\", which is not enabled");
  EXPECT_EQ(lifecycle(), Lines{});
  EXPECT_FALSE(isLoaded(libraryPath("alpha")));
  EXPECT_FALSE(isLoaded(libraryPath("missingdep")));
}

// ---------------------------------------------------------------- order

PluginInfo node(std::string id, std::vector<std::string> required = {}, std::vector<std::string> optional = {}) {
  PluginInfo info;
  info.id = std::move(id);
  info.dependencies = std::move(required);
  info.optionalDependencies = std::move(optional);
  return info;
}

std::vector<std::string> orderOf(const std::vector<PluginInfo>& plugins) {
  std::vector<std::string> ids;
  for (std::size_t index : dependencyOrder(plugins)) ids.push_back(plugins[index].id);
  return ids;
}

std::string orderError(const std::vector<PluginInfo>& plugins) {
  try {
    dependencyOrder(plugins);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "(no PluginError)";
}

TEST(DependencyOrder, KeepsConfigOrderWhenIndependent) {
  EXPECT_EQ(orderOf({node("c"), node("a"), node("b")}), (Lines{"c", "a", "b"}));
  EXPECT_EQ(orderOf({}), Lines{});
}

TEST(DependencyOrder, EarliestReadyPluginInConfigOrderGoesNext) {
  // catalog ← cart ← checkout; auth alone; payments ← checkout.
  const std::vector<PluginInfo> plugins = {node("checkout", {"cart", "payments"}), node("cart", {"catalog"}),
                                           node("auth"), node("payments"), node("catalog")};
  EXPECT_EQ(orderOf(plugins), (Lines{"auth", "payments", "catalog", "cart", "checkout"}));

  const std::vector<PluginInfo> reordered = {node("catalog"), node("payments"), node("auth"),
                                             node("cart", {"catalog"}), node("checkout", {"cart", "payments"})};
  EXPECT_EQ(orderOf(reordered), (Lines{"catalog", "payments", "auth", "cart", "checkout"}));

  const std::vector<PluginInfo> chain = {node("d", {"c"}), node("c", {"b"}), node("b", {"a"}), node("a")};
  EXPECT_EQ(orderOf(chain), (Lines{"a", "b", "c", "d"}));
}

TEST(DependencyOrder, SameInputAlwaysGivesSameOrder) {
  const std::vector<PluginInfo> plugins = {node("z", {"m"}), node("m"), node("b", {}, {"z"}), node("a", {"m"})};
  const auto first = orderOf(plugins);
  EXPECT_EQ(first, (Lines{"m", "z", "b", "a"}));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(orderOf(plugins), first);
}

TEST(DependencyOrder, OptionalDependencyOrdersOnlyWhenEnabled) {
  EXPECT_EQ(orderOf({node("beta", {"alpha"}, {"gamma"}), node("gamma"), node("alpha")}),
            (Lines{"gamma", "alpha", "beta"}));
  EXPECT_EQ(orderOf({node("beta", {}, {"gamma"}), node("alpha")}), (Lines{"beta", "alpha"}));
}

TEST(DependencyOrder, ReportsMissingDependencyInConfigAndDeclarationOrder) {
  EXPECT_EQ(orderError({node("a"), node("b", {"a", "x"}), node("c", {"y"})}),
            "plugin \"b\" depends on \"x\", which is not enabled");
}

TEST(DependencyOrder, ReportsTheCycleThroughTheFirstCyclicPlugin) {
  // d only depends on the cycle; c is the first plugin on it.
  EXPECT_EQ(orderError({node("d", {"a"}), node("c", {"a"}), node("a", {"b"}), node("b", {"c"})}),
            "plugin dependency cycle: c -> a -> b -> c");
  EXPECT_EQ(orderError({node("x", {"x"})}), "plugin dependency cycle: x -> x");
  // An optional dependency that is enabled takes part in cycles.
  EXPECT_EQ(orderError({node("x", {}, {"y"}), node("y", {"x"})}), "plugin dependency cycle: x -> y -> x");
  // Placed plugins are no part of the reported path.
  EXPECT_EQ(orderError({node("e"), node("p", {"e", "q"}), node("q", {"e", "p"})}),
            "plugin dependency cycle: p -> q -> p");
}

TEST_F(PluginHostTest, StartOrderFollowsDependenciesThenConfigOrder) {
  {
    PluginHost host(configOf({"test.beta", "test.alpha"}));
    host.load();
    EXPECT_EQ(idsOf(host), (Lines{"test.alpha", "test.beta"}));
  }
  {
    PluginHost host(configOf({"test.consumer", "test.beta", "test.provider", "test.alpha", "test.gamma"}));
    host.load();
    EXPECT_EQ(idsOf(host), (Lines{"test.provider", "test.consumer", "test.alpha", "test.gamma", "test.beta"}));
  }
  {
    PluginHost host(configOf({"test.gamma", "test.beta", "test.alpha"}));
    host.load();
    EXPECT_EQ(idsOf(host), (Lines{"test.gamma", "test.alpha", "test.beta"}));
  }
}

TEST_F(PluginHostTest, OptionalDependencyOrdersAfterItOnlyWhenEnabled) {
  {
    // Without test.gamma, test.beta just follows test.alpha.
    PluginHost host(configOf({"test.beta", "test.alpha"}));
    host.load();
    EXPECT_EQ(idsOf(host), (Lines{"test.alpha", "test.beta"}));
  }
  {
    PluginHost host(configOf({"test.beta", "test.alpha", "test.gamma"}));
    host.load();
    EXPECT_EQ(idsOf(host), (Lines{"test.alpha", "test.gamma", "test.beta"}));
  }
}

// ---------------------------------------------------------------- plugin info

TEST_F(PluginHostTest, PluginInfoComesFromTheDescriptor) {
  PluginHost host(configOf({"test.alpha", "test.beta"}));
  host.load();
  const PluginInfo& beta = host.plugins().at(1);
  EXPECT_EQ(beta.id, "test.beta");
  EXPECT_EQ(beta.version, "2.1.0");
  EXPECT_EQ(beta.sdkVersion, AGAPE_SDK_VERSION);
  EXPECT_EQ(beta.path, libraryPath("beta"));
  EXPECT_EQ(beta.dependencies, Lines{"test.alpha"});
  EXPECT_EQ(beta.optionalDependencies, Lines{"test.gamma"});
  EXPECT_EQ(beta.migrationsDir, "");
}

TEST_F(PluginHostTest, MigrationsDirIsExplicitOrFoundUnderTheRoots) {
  const fs::path root = fs::temp_directory_path() / ("agape-migrations-" + std::to_string(::getpid()));
  fs::create_directories(root / "second" / "test.alpha");
  fs::create_directories(root / "first");
  PluginsConfig config = configOf({"test.alpha", "test.gamma"});
  config.migrationPaths = {(root / "first").string(), (root / "second").string()};
  config.enabled[1].migrations = "/srv/gamma/migrations";
  {
    PluginHost host(config);
    host.load();
    EXPECT_EQ(host.plugins().at(0).migrationsDir, (root / "second" / "test.alpha").string());
    EXPECT_EQ(host.plugins().at(1).migrationsDir, "/srv/gamma/migrations");
  }
  fs::remove_all(root);
}

TEST_F(PluginHostTest, LoadIsLogged) {
  ::testing::internal::CaptureStderr();
  {
    PluginHost host(configOf({"test.gamma"}));
    host.load();
  }
  agape::kernel::flushLogs();  // lines are written by a background sink
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("\"component\":\"kernel\",\"msg\":\"plugin loaded\",\"plugin\":\"test.gamma\","
                        "\"version\":\"0.3.0\",\"path\":\"" +
                        libraryPath("gamma") + "\""),
            std::string::npos)
      << logged;
}

// ---------------------------------------------------------------- lifecycle

TEST_F(PluginHostTest, FullLifecycleRunsInDependencyOrderAndTearsDownInReverse) {
  {
    PluginHost host(configOf({"test.beta", "test.alpha"}));
    runUpToStart(host);
    EXPECT_TRUE(host.started());
    EXPECT_EQ(routes_, Lines{"GET /v1/test/alpha"});
    host.stop();
    EXPECT_FALSE(host.started());
    host.stop();  // idempotent
    EXPECT_TRUE(isLoaded(libraryPath("alpha")));
  }
  EXPECT_EQ(lifecycle(), (Lines{"test.alpha:configure", "test.beta:configure", "test.alpha:provision",
                                "test.beta:provision", "test.alpha:validate", "test.beta:validate",
                                "test.alpha:start", "test.beta:start", "test.beta:stop", "test.alpha:stop",
                                "test.beta:destroy", "test.alpha:destroy"}));
  EXPECT_FALSE(isLoaded(libraryPath("alpha")));
  EXPECT_FALSE(isLoaded(libraryPath("beta")));
}

TEST_F(PluginHostTest, DestructorStopsAStartedHostThenDestroysBeforeUnloading) {
  {
    PluginHost host(configOf({"test.gamma", "test.beta", "test.alpha"}));
    runUpToStart(host);
  }
  const Lines log = lifecycle();
  ASSERT_GE(log.size(), 6u);
  // Every destructor ran, from code in its library: the libraries were
  // still mapped, and are gone afterwards.
  EXPECT_EQ(Lines(log.end() - 6, log.end()),
            (Lines{"test.beta:stop", "test.alpha:stop", "test.gamma:stop", "test.beta:destroy",
                   "test.alpha:destroy", "test.gamma:destroy"}));
  EXPECT_FALSE(isLoaded(libraryPath("gamma")));
}

TEST_F(PluginHostTest, HostDestroyedAfterLoadOnlyDestroysThePlugins) {
  {
    PluginHost host(configOf({"test.beta", "test.alpha"}));
    host.load();
    EXPECT_FALSE(host.started());
  }
  EXPECT_EQ(lifecycle(), (Lines{"test.beta:destroy", "test.alpha:destroy"}));
}

TEST_F(PluginHostTest, StartFailureStopsExactlyTheStartedOnesInReverse) {
  std::string message;
  {
    PluginHost host(configOf({"test.alpha", "test.gamma", "test.throws", "test.beta"}));
    try {
      runUpToStart(host);
    } catch (const PluginError& e) {
      message = e.what();
    }
    EXPECT_FALSE(host.started());
    host.stop();  // nothing left to stop
  }
  EXPECT_EQ(message, "plugin \"test.throws\" failed to start: boom: cannot reach the payment provider");
  const Lines log = lifecycle();
  const Lines tail(log.begin() + 12, log.end());  // after configure, provision, validate of four
  EXPECT_EQ(tail, (Lines{"test.alpha:start", "test.gamma:start", "test.throws:start", "test.gamma:stop",
                         "test.alpha:stop", "test.beta:destroy", "test.throws:destroy", "test.gamma:destroy",
                         "test.alpha:destroy"}));
}

TEST_F(PluginHostTest, ConfigErrorPassesThroughIntact) {
  PluginHost host(configOf({"test.alpha"}));
  host.load();
  try {
    host.configure([](const PluginInfo& info) {
      return std::make_unique<FakeView>(ConfigView::Kind::Map, info.id, "config/agape.yaml:12:3",
                                        std::vector<std::pair<std::string, std::string>>{{"colour", "blue"}});
    });
    FAIL() << "configure() accepted an unknown key";
  } catch (const PluginError& e) {
    FAIL() << "a ConfigError became a PluginError: " << e.what();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "test.alpha.colour: unknown key (this plugin takes no configuration) (config/agape.yaml:12:3)");
  }
}

TEST_F(PluginHostTest, OtherConfigureFailureNamesThePlugin) {
  ::setenv("AGAPE_TEST_FAIL", "test.beta:configure", 1);
  PluginHost host(configOf({"test.alpha", "test.beta"}));
  host.load();
  try {
    configureAll(host);
    FAIL() << "configure() did not throw";
  } catch (const PluginError& e) {
    EXPECT_STREQ(e.what(), "plugin \"test.beta\" failed to configure: injected configure failure");
  }
}

TEST_F(PluginHostTest, ProvisionFailureNamesThePluginAndTearsDownCleanly) {
  ::setenv("AGAPE_TEST_FAIL", "test.alpha:provision", 1);
  {
    PluginHost host(configOf({"test.gamma", "test.alpha"}));
    host.load();
    configureAll(host);
    try {
      provisionAll(host);
      FAIL() << "provision() did not throw";
    } catch (const PluginError& e) {
      EXPECT_STREQ(e.what(), "plugin \"test.alpha\" failed to provision: injected provision failure");
    }
    EXPECT_THROW(host.validate(), std::logic_error) << "a failed host goes no further";
  }
  EXPECT_EQ(lifecycle(), (Lines{"test.gamma:configure", "test.alpha:configure", "test.gamma:provision",
                                "test.alpha:provision", "test.alpha:destroy", "test.gamma:destroy"}));
}

TEST_F(PluginHostTest, ValidateFailureNamesThePlugin) {
  ::setenv("AGAPE_TEST_FAIL", "test.gamma:validate", 1);
  PluginHost host(configOf({"test.gamma"}));
  host.load();
  configureAll(host);
  provisionAll(host);
  try {
    host.validate();
    FAIL() << "validate() did not throw";
  } catch (const PluginError& e) {
    EXPECT_STREQ(e.what(), "plugin \"test.gamma\" failed to validate: injected validate failure");
  }
  EXPECT_THROW(host.start(), std::logic_error);
}

// A setting a plugin can judge only once it sees the server (a development
// setting in production) is a configuration error like any other: its own
// message, which names the key, and exit 2 from the command line.
TEST_F(PluginHostTest, ConfigErrorsFromProvisionAndValidatePassUnchanged) {
  for (const std::string phase : {"provision", "validate"}) {
    ::setenv("AGAPE_TEST_FAIL", ("test.gamma:" + phase + ":config").c_str(), 1);
    PluginHost host(configOf({"test.gamma"}));
    host.load();
    configureAll(host);
    try {
      provisionAll(host);
      host.validate();
      ADD_FAILURE() << phase << ": nothing thrown";
    } catch (const agape::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), "test.gamma.mode: refused at " + phase);
    }
  }
}

TEST_F(PluginHostTest, StepsMustFollowTheLifecycle) {
  PluginHost host(configOf({"test.gamma"}));
  EXPECT_THROW(configureAll(host), std::logic_error);
  host.load();
  EXPECT_THROW(host.load(), std::logic_error);
  EXPECT_THROW(host.validate(), std::logic_error);
  EXPECT_THROW(host.start(), std::logic_error);
  configureAll(host);
  EXPECT_THROW(configureAll(host), std::logic_error);
}

// ---------------------------------------------------------------- services

TEST_F(PluginHostTest, ServicesCrossPluginsAndAreReleasedBeforeUnload) {
  {
    PluginHost host(configOf({"test.consumer", "test.provider"}));
    runUpToStart(host);
    EXPECT_EQ(host.services().ids(), Lines{"test.greeter"});
    EXPECT_EQ(host.services().get<agape_test::Greeter>().greet("kernel"), "Hello, kernel");
  }
  EXPECT_EQ(lifecycle(),
            (Lines{"test.provider:configure", "test.consumer:configure", "test.provider:provision",
                   "test.consumer:provision", "test.provider:validate", "test.consumer:validate",
                   "test.provider:start", "test.consumer:start", "test.consumer:greeting Hello, consumer",
                   "test.consumer:stop", "test.provider:stop",
                   // The registry let go first; the consumer's own reference goes with it.
                   "test.provider:service released", "test.consumer:destroy", "test.provider:destroy"}));
  EXPECT_FALSE(isLoaded(libraryPath("provider")));
}

}  // namespace
}  // namespace agape::kernel
