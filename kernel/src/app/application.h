#pragma once
// Wires the kernel together for `agape serve` and the other commands:
// config → plugins loaded and configured → database → migrations →
// provision → routes frozen → plugins started → HTTP served. Shutdown runs
// the same path backwards.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/command_registry.h"
#include "app/system_clock.h"
#include "audit/audit_log.h"
#include "config/config_document.h"
#include "config/kernel_config_decoder.h"
#include "config/kernel_config.h"
#include "db/db_pool.h"
#include "http/http_metrics.h"
#include "http/pipeline.h"
#include "http/rate_limiter.h"
#include "http/server.h"
#include "http/worker_pool.h"
#include "events/event_bus.h"
#include "jobs/job_runner.h"
#include "metrics/registry.h"
#include "migrate/migrator.h"
#include "plugins/plugin_host.h"

namespace agape::kernel {

class PluginContext;

class Application {
 public:
  Application(ConfigDocument doc, KernelConfig config);
  ~Application();

  // Loads and configures every enabled plugin (no database needed): enough
  // for `config check` and `plugins list`.
  void loadPlugins();
  // Opens the database pool (creating the data dir for SQLite). A SQLite
  // file that does not exist is created in development, or for
  // `forMigrations` (agape migrate up); in production anything else
  // refuses to start without it.
  void openDatabase(bool forMigrations = false);
  // Applies pending migrations of every loaded plugin, in dependency order.
  int migrate();
  std::vector<Migrator::Entry> migrationStatus();
  // Provisions plugins (with a database, or with none for inspection) and
  // freezes the routes.
  void provision(bool withDatabase);
  // Starts plugins then HTTP; throws (after rolling back) on failure.
  void start();
  // Graceful: drain HTTP, stop plugins in reverse, finish worker tasks.
  void stop();

  std::uint16_t port() const;
  const Router& router() const { return pipeline_->router(); }
  const PluginHost& plugins() const { return *host_; }
  const KernelConfig& config() const { return config_; }
  const CommandRegistry& commands() const { return commands_; }
  // The job runner (after provision), or for the jobs commands, one over the
  // open database with no queues.
  JobRunner& jobs();

 private:
  void registerOperationsRoutes(RouteTable& table);
  void registerCollectors();
  // /readyz: 200 or 503, with what was checked.
  Response readiness() const;

  ConfigDocument doc_;
  KernelConfig config_;
  SystemClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<Database> noDatabase_;
  std::unique_ptr<DbPool> db_;
  // Plugin handlers live in the runner and bus: declared after host_ so they
  // are destroyed before the libraries unload.
  std::unique_ptr<PluginHost> host_;
  CommandRegistry commands_;  // holds plugin handlers: destroyed before host_
  std::unique_ptr<JobRunner> jobs_;
  std::unique_ptr<EventBus> events_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<HttpMetrics> httpMetrics_;
  std::unique_ptr<RateLimiter> rateLimiter_;
  std::unique_ptr<Pipeline> pipeline_;  // holds plugin handlers: destroyed before host_
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<HttpServer> server_;
  std::string openApi_;
  bool pluginsStarted_ = false;
};

}  // namespace agape::kernel
