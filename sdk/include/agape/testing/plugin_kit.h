#pragma once
// A whole plugin under test: its own TestDatabase (the kernel's schema and
// the plugin's migrations), a TestContext with its configuration section,
// and the lifecycle the server would drive (configure → provision →
// validate → start, stop at the end).
//
//   agape::testing::PluginKit kit(*agape_plugin_descriptor(),
//                                 {.migrations = "migrations/loyalty", .config = "loyalty:\n  pointsPerNaira: 2\n"});
//   kit.services().provide<agape::auth::UserDirectory>(fakeUsers);  // what other plugins would provide
//   kit.start();
//   auto r = kit.request(agape::Method::Get, "/v1/loyalty/balance").as("u-ada", {"customer"}).send();

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agape/plugin.h"
#include "agape/services.h"
#include "agape/testing/test_context.h"
#include "agape/testing/test_database.h"
#include "agape/version.h"

namespace agape::testing {

struct PluginKitOptions {
  Backend backend = Backend::Sqlite;
  std::string postgresUrl;  // PostgreSQL: empty means AGAPE_TEST_PG_URL
  // This plugin's migrations folder (<dir>/<dialect>/NNNN_name.sql), as the
  // plugin entry's `migrations:` names it; empty when it ships none.
  std::string migrations;
  // Other plugins' migrations whose tables this one reads, applied first.
  std::vector<Migrations> otherMigrations;
  // The configuration document as YAML; the plugin decodes its section.
  std::string config;
  std::string environment = "development";
  std::string dataDir;  // empty: a temporary folder
  int poolSize = 4;
};

class AGAPE_API PluginKit {
 public:
  PluginKit(std::string pluginId, std::unique_ptr<Plugin> plugin, PluginKitOptions options = {});
  // A plugin compiled into the test, from its AGAPE_PLUGIN descriptor
  // (agape_plugin_descriptor()).
  explicit PluginKit(const PluginDescriptor& descriptor, PluginKitOptions options = {});
  // The plugin library file, loaded and checked as the server loads it (ABI
  // version, build signature, id). Throws std::runtime_error saying why not.
  static std::unique_ptr<PluginKit> load(const std::string& pluginId, const std::string& libraryFile,
                                         PluginKitOptions options = {});
  ~PluginKit();  // stops a started plugin
  PluginKit(const PluginKit&) = delete;
  PluginKit& operator=(const PluginKit&) = delete;

  // Each step runs once, after the steps before it (start() runs them all).
  // provision() ends with TestContext::endProvision().
  void configure();
  void provision();
  void validate();
  void start();
  void stop() noexcept;

  TestContext& context();
  TestDatabase& database();
  Database& db() { return database().db(); }
  Services& services() { return context().services(); }
  ManualClock& clock() { return context().manualClock(); }
  TestRequest request(Method method, std::string_view target) { return context().request(method, target); }

 private:
  struct Library;
  PluginKit(std::unique_ptr<Library> library, std::string pluginId, std::unique_ptr<Plugin> plugin,
            PluginKitOptions options);

  enum class Step { Created, Configured, Provisioned, Validated, Started, Stopped };
  std::unique_ptr<Library> library_;  // first: unloaded after everything it made is gone
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<TestContext> context_;
  std::unique_ptr<Plugin> plugin_;
  Step step_ = Step::Created;
};

}  // namespace agape::testing
