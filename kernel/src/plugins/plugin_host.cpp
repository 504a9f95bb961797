#include "plugins/plugin_host.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string_view>

#include "plugins/dependency_order.h"

namespace agape::kernel {
namespace {

// The what() of the exception being handled.
std::string currentReason() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

PluginError failure(const PluginInfo& info, std::string_view step) {
  return PluginError("plugin \"" + info.id + "\" failed to " + std::string(step) + ": " + currentReason());
}

}  // namespace

PluginHost::PluginHost(PluginsConfig config) : config_(std::move(config)) {}

PluginHost::~PluginHost() {
  stop();
  services_.clear();
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) it->plugin.reset();
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
    it->context.reset();
    it->section.reset();
  }
  for (auto it = libraries_.rbegin(); it != libraries_.rend(); ++it) it->unload();
}

void PluginHost::enter(Phase expected, const char* operation) {
  if (phase_ != expected)
    throw std::logic_error(std::string("PluginHost::") + operation + "() called out of order");
  // Until the step completes the host counts as failed, so a half-done step
  // cannot be continued.
  phase_ = Phase::Failed;
}

std::string pluginMigrationsDir(const PluginEntry& entry, const std::vector<std::string>& migrationPaths) {
  if (!entry.migrations.empty()) return entry.migrations;
  for (const auto& root : migrationPaths) {
    std::error_code ec;
    auto dir = std::filesystem::path(root) / entry.id;
    if (std::filesystem::is_directory(dir, ec)) return dir.string();
  }
  return {};
}

void PluginHost::load() {
  enter(Phase::Created, "load");
  // A configuration mistake is reported before any library is opened.
  std::set<std::string_view> seen;
  for (const auto& entry : config_.enabled)
    if (!seen.insert(entry.id).second) throw PluginError("plugin \"" + entry.id + "\" is enabled twice");

  std::vector<PluginLibrary> opened;
  std::vector<PluginInfo> found;
  for (const auto& entry : config_.enabled) {
    auto library = PluginLibrary::open(entry.id, locatePluginLibrary(entry, config_.paths));
    PluginInfo info = library.info();
    info.migrationsDir = pluginMigrationsDir(entry, config_.migrationPaths);
    logger_.info("plugin loaded", {{"plugin", info.id}, {"version", info.version}, {"path", info.path}});
    opened.push_back(std::move(library));
    found.push_back(std::move(info));
  }

  for (std::size_t index : dependencyOrder(found)) {
    libraries_.push_back(std::move(opened[index]));
    infos_.push_back(std::move(found[index]));
  }
  constructPlugins();
  phase_ = Phase::Loaded;
}

void PluginHost::constructPlugins() {
  slots_.resize(infos_.size());
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    try {
      slots_[i].plugin = libraries_[i].descriptor().create();
    } catch (...) {
      throw failure(infos_[i], "construct");
    }
    if (!slots_[i].plugin) throw PluginError("plugin \"" + infos_[i].id + "\": create() returned no plugin");
  }
}

void PluginHost::configure(const SectionFactory& sectionOf) {
  enter(Phase::Loaded, "configure");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    auto& slot = slots_[i];
    slot.section = sectionOf(infos_[i]);
    if (!slot.section) throw std::logic_error("PluginHost::configure(): no section for " + infos_[i].id);
    try {
      slot.plugin->configure(*slot.section);
    } catch (const agape::ConfigError&) {
      // Its text already names the key and the file position.
      throw;
    } catch (...) {
      throw failure(infos_[i], "configure");
    }
  }
  phase_ = Phase::Configured;
}

void PluginHost::provision(const ContextFactory& makeContext) {
  enter(Phase::Configured, "provision");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    auto& slot = slots_[i];
    slot.context = makeContext(infos_[i]);
    if (!slot.context) throw std::logic_error("PluginHost::provision(): no context for " + infos_[i].id);
    try {
      slot.plugin->provision(*slot.context);
    } catch (const agape::ConfigError&) {
      // A setting refused once the plugin sees the server (a development
      // setting in production): its text names the key, as in configure().
      throw;
    } catch (...) {
      throw failure(infos_[i], "provision");
    }
  }
  phase_ = Phase::Provisioned;
}

void PluginHost::validate() {
  enter(Phase::Provisioned, "validate");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    try {
      slots_[i].plugin->validate(*slots_[i].context);
    } catch (const agape::ConfigError&) {
      // A setting refused once the other plugins' services are known.
      throw;
    } catch (...) {
      throw failure(infos_[i], "validate");
    }
  }
  phase_ = Phase::Validated;
}

void PluginHost::start() {
  enter(Phase::Validated, "start");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    try {
      slots_[i].plugin->start(*slots_[i].context);
    } catch (...) {
      PluginError error = failure(infos_[i], "start");
      logger_.error("plugin failed to start", {{"plugin", infos_[i].id}, {"error", currentReason()}});
      stop();
      throw error;
    }
    startedSlots_.push_back(i);
    logger_.info("plugin started", {{"plugin", infos_[i].id}});
  }
  phase_ = Phase::Started;
}

void PluginHost::stop() noexcept {
  while (!startedSlots_.empty()) {
    const std::size_t i = startedSlots_.back();
    startedSlots_.pop_back();
    // Plugin::stop() is noexcept: a plugin that throws there ends the process
    // on its own side of the boundary, so only the logging can fail here.
    slots_[i].plugin->stop();
    try {
      logger_.info("plugin stopped", {{"plugin", infos_[i].id}});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "plugin %s stopped; logging failed: %s\n", infos_[i].id.c_str(), e.what());
    }
  }
  if (phase_ == Phase::Started) phase_ = Phase::Stopped;
}

}  // namespace agape::kernel
