#pragma once
// Loads the enabled plugin libraries and drives every plugin through its
// lifecycle in dependency order:
//   load → configure → provision → validate → start → stop
// Each step must follow the previous one; a step that throws leaves the host
// fit only for destruction. Teardown order matters because plugin objects,
// their services and whatever they registered run code from their library:
// stop, drop the services, destroy the plugins (reverse start order), destroy
// the contexts, and only then unload the libraries.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agape/config.h"
#include "agape/context.h"
#include "agape/plugin.h"
#include "config/kernel_config.h"
#include "log/log.h"
#include "plugins/plugin_error.h"
#include "plugins/plugin_info.h"
#include "plugins/plugin_library.h"
#include "plugins/service_registry.h"

namespace agape::kernel {

// The migrations folder of a plugin entry: its own `migrations:` when given,
// else <root>/<id> under the first of `migrationPaths` that has one; empty
// when the plugin ships none.
std::string pluginMigrationsDir(const PluginEntry& entry, const std::vector<std::string>& migrationPaths);

class PluginHost {
 public:
  using SectionFactory = std::function<std::unique_ptr<agape::ConfigView>(const PluginInfo&)>;
  using ContextFactory = std::function<std::unique_ptr<agape::Context>(const PluginInfo&)>;

  explicit PluginHost(PluginsConfig config);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Opens every enabled library, checks its descriptor, orders the plugins
  // and constructs them. Throws PluginError.
  void load();
  // In start order, once loaded.
  const std::vector<PluginInfo>& plugins() const { return infos_; }
  ServiceRegistry& services() { return services_; }

  // Hands each plugin its section. A ConfigError passes through unchanged
  // (the CLI exits 2 on it); anything else becomes a PluginError.
  void configure(const SectionFactory& sectionOf);
  // The host keeps each context (and the section given to configure) until
  // after the plugin objects are destroyed.
  void provision(const ContextFactory& makeContext);
  void validate();
  // A failure stops the plugins already started, in reverse, then throws
  // PluginError("plugin \"x\" failed to start: <what>").
  void start();
  // Stops the started plugins in exact reverse start order. Idempotent.
  void stop() noexcept;
  bool started() const { return phase_ == Phase::Started; }

 private:
  enum class Phase { Created, Loaded, Configured, Provisioned, Validated, Started, Stopped, Failed };

  // What the host holds per plugin besides its library; destroyed in an
  // explicit order by the destructor.
  struct Slot {
    std::unique_ptr<agape::ConfigView> section;
    std::unique_ptr<agape::Context> context;
    std::unique_ptr<agape::Plugin> plugin;
  };

  void enter(Phase expected, const char* operation);
  void constructPlugins();

  PluginsConfig config_;
  JsonLogger logger_{"kernel"};
  // Declared first so that, whatever happens, the libraries go last.
  std::vector<PluginLibrary> libraries_;  // start order
  ServiceRegistry services_;
  std::vector<PluginInfo> infos_;           // start order
  std::vector<Slot> slots_;                 // parallel to infos_
  std::vector<std::size_t> startedSlots_;   // in the order they started
  Phase phase_ = Phase::Created;
};

}  // namespace agape::kernel
