#include "agape/testing/plugin_kit.h"

#include <stdexcept>

#include "plugins/plugin_error.h"
#include "plugins/plugin_library.h"

namespace agape::testing {
namespace {

std::vector<Migrations> migrationsOf(const std::string& pluginId, const PluginKitOptions& o) {
  std::vector<Migrations> all = o.otherMigrations;
  if (!o.migrations.empty()) all.push_back({pluginId, o.migrations});
  return all;
}

}  // namespace

struct PluginKit::Library {
  kernel::PluginLibrary library;
};

PluginKit::PluginKit(std::unique_ptr<Library> library, std::string pluginId, std::unique_ptr<Plugin> plugin,
                     PluginKitOptions options)
    : library_(std::move(library)) {
  if (!plugin) throw std::invalid_argument("PluginKit: no plugin given for \"" + pluginId + "\"");
  database_ = std::make_unique<TestDatabase>(TestDatabaseOptions{.backend = options.backend,
                                                                 .postgresUrl = options.postgresUrl,
                                                                 .migrations = migrationsOf(pluginId, options),
                                                                 .poolSize = options.poolSize});
  context_ = std::make_unique<TestContext>(TestContextOptions{.pluginId = pluginId,
                                                              .database = &database_->db(),
                                                              .config = std::move(options.config),
                                                              .environment = std::move(options.environment),
                                                              .dataDir = std::move(options.dataDir)});
  plugin_ = std::move(plugin);
}

PluginKit::PluginKit(std::string pluginId, std::unique_ptr<Plugin> plugin, PluginKitOptions options)
    : PluginKit(nullptr, std::move(pluginId), std::move(plugin), std::move(options)) {}

PluginKit::PluginKit(const PluginDescriptor& descriptor, PluginKitOptions options)
    : PluginKit(nullptr, descriptor.id, descriptor.create(), std::move(options)) {}

std::unique_ptr<PluginKit> PluginKit::load(const std::string& pluginId, const std::string& libraryFile,
                                           PluginKitOptions options) {
  std::unique_ptr<Library> library;
  try {
    library = std::make_unique<Library>(Library{kernel::PluginLibrary::open(pluginId, libraryFile)});
  } catch (const kernel::PluginError& e) {
    throw std::runtime_error(e.what());  // the kernel's own message: which check failed, and why
  }
  auto plugin = library->library.descriptor().create();
  return std::unique_ptr<PluginKit>(new PluginKit(std::move(library), pluginId, std::move(plugin), std::move(options)));
}

PluginKit::~PluginKit() {
  stop();
  // What the plugin made goes before the plugin, and all of it before its
  // library is unloaded (the members' order).
  plugin_.reset();
  context_.reset();
}

void PluginKit::configure() {
  if (step_ >= Step::Configured) return;
  plugin_->configure(context_->config());
  step_ = Step::Configured;
}

void PluginKit::provision() {
  configure();
  if (step_ >= Step::Provisioned) return;
  plugin_->provision(*context_);
  context_->endProvision();
  step_ = Step::Provisioned;
}

void PluginKit::validate() {
  provision();
  if (step_ >= Step::Validated) return;
  plugin_->validate(*context_);
  step_ = Step::Validated;
}

void PluginKit::start() {
  validate();
  if (step_ >= Step::Started) return;
  plugin_->start(*context_);
  step_ = Step::Started;
}

void PluginKit::stop() noexcept {
  if (step_ != Step::Started) return;
  plugin_->stop();
  step_ = Step::Stopped;
}

TestContext& PluginKit::context() { return *context_; }
TestDatabase& PluginKit::database() { return *database_; }

}  // namespace agape::testing
