#pragma once
#include <memory>
#include <string>

#include "agape/config.h"
#include "agape/context.h"
#include "agape/db.h"
#include "app/command_registry.h"
#include "app/route_collector.h"
#include "events/event_bus.h"
#include "jobs/plugin_jobs.h"
#include "log/log.h"

namespace agape::kernel {

// Everything one plugin may touch, nothing more.
class PluginContext final : public Context {
 public:
  struct Deps {
    RouteTable& routes;
    Database& db;
    Services& services;
    Metrics& metrics;
    const Clock& clock;
    JobRunner& jobs;
    EventBus& events;
    Audit& audit;
    CommandRegistry& commands;
    const std::string& environment;
    const std::string& dataDir;
  };
  PluginContext(std::string pluginId, std::unique_ptr<ConfigView> config, Deps deps)
      : id_(std::move(pluginId)), config_(std::move(config)), deps_(deps),
        routes_(deps.routes, id_),
        logger_(id_),
        jobs_(deps.jobs, id_),
        events_(deps.events, id_),
        commands_(deps.commands, id_) {}

  std::string_view pluginId() const override { return id_; }
  Routes& routes() override { return routes_; }
  Database& db() override { return deps_.db; }
  Services& services() override { return deps_.services; }
  const ConfigView& config() const override { return *config_; }
  Logger& logger() override { return logger_; }
  Metrics& metrics() override { return deps_.metrics; }
  const Clock& clock() const override { return deps_.clock; }
  Jobs& jobs() override { return jobs_; }
  Events& events() override { return events_; }
  Audit& audit() override { return deps_.audit; }
  Commands& commands() override { return commands_; }
  std::string_view environment() const override { return deps_.environment; }
  std::string_view dataDir() const override { return deps_.dataDir; }

  void closeRoutes() { routes_.close(); }

 private:
  std::string id_;
  std::unique_ptr<ConfigView> config_;
  Deps deps_;
  RouteCollector routes_;
  JsonLogger logger_;
  PluginJobs jobs_;
  PluginEvents events_;
  PluginCommands commands_;
};

// The database for commands that run without one (plugins list, config
// check): any use is an error that says so.
class NoDatabase final : public Database {
 public:
  Dialect dialect() const override { return Dialect::Sqlite; }
  void transact(const std::function<void(Tx&)>&, TxOptions) override {
    throw DbError(DbError::Kind::Unavailable, "this command runs without a database");
  }
};

}  // namespace agape::kernel
