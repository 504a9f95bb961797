#include "app/application.h"

#include <filesystem>
#include <map>

#include <agape/contract.h>

#include "app/plugin_context.h"
#include "http/middleware/middlewares.h"
#include "http/openapi.h"
#include "log/log.h"
#include "secrets/sealing_keys.h"

namespace agape::kernel {

namespace {
JsonLogger& log() {
  static JsonLogger logger("kernel");
  return logger;
}
}  // namespace

Application::Application(ConfigDocument doc, KernelConfig config)
    : doc_(std::move(doc)), config_(std::move(config)), noDatabase_(std::make_unique<NoDatabase>()) {}

Application::~Application() {
  try {
    stop();
  } catch (const std::exception& e) {
    log().error("error during shutdown", {{"error", e.what()}});
  }
  // Members go in reverse declaration order: server, workers, pipeline (the
  // plugin handlers), then the plugin host unloads libraries, then the DB.
}

void Application::loadPlugins() {
  host_ = std::make_unique<PluginHost>(config_.plugins);
  host_->load();
  std::vector<std::string> ids;
  for (const auto& p : host_->plugins()) ids.push_back(p.id);
  checkTopLevelKeys(doc_, ids);
  host_->configure([&](const PluginInfo& p) { return doc_.section(p.id); });
}

void Application::openDatabase(bool forMigrations) {
  // In production a missing SQLite file means the data went missing (a
  // removed volume, a wrong path): an empty database would hide it.
  const bool mayCreate = forMigrations || config_.environment != "production";
  db_ = DbPool::open(config_.database, mayCreate);
  log().info("database open", {{"url", db_->redactedUrl()}, {"poolSize", std::to_string(config_.database.poolSize)}});
}

namespace {
std::vector<Migrator::Source> migrationSources(const PluginHost& host) {
  // The kernel's tables first: plugins' migrations may refer to them.
  std::vector<Migrator::Source> sources{Migrator::kernelSource()};
  for (const auto& p : host.plugins()) sources.push_back({p.id, p.migrationsDir});
  return sources;
}
}  // namespace

int Application::migrate() {
  Migrator migrator(*db_, migrationSources(*host_));
  return migrator.up(log());
}

std::vector<Migrator::Entry> Application::migrationStatus() {
  Migrator migrator(*db_, migrationSources(*host_));
  return migrator.status();
}

void Application::provision(bool withDatabase) {
  RouteTable table;
  registerOperationsRoutes(table);
  std::vector<PluginContext*> contexts;
  Database& db = withDatabase ? static_cast<Database&>(*db_) : *noDatabase_;
  jobs_ = std::make_unique<JobRunner>(db, clock_, metrics_, config_.jobs);
  events_ = std::make_unique<EventBus>(db, *jobs_, metrics_, config_.jobs.pollInterval);
  audit_ = std::make_unique<AuditLog>(db, clock_);
  // Development makes its first sealing key; production is given its keys.
  host_->services().provide<SecretBox>(
      SealingKeys::load(config_.secretsDir, config_.environment != "production"));
  host_->provision([&](const PluginInfo& p) {
    auto ctx = std::make_unique<PluginContext>(
        p.id, doc_.section(p.id),
        PluginContext::Deps{table, db, host_->services(), metrics_, clock_, *jobs_, *events_, *audit_, commands_,
                            config_.environment, config_.dataDir});
    contexts.push_back(ctx.get());
    return ctx;
  });
  for (auto* c : contexts) c->closeRoutes();
  jobs_->freeze();
  // Before anything can publish (a plugin's start, a command): a new
  // subscriber reads the log from here on.
  if (withDatabase) events_->openCursors();
  host_->validate();

  Router router = std::move(table).freeze();
  rateLimiter_ = std::make_unique<RateLimiter>(config_.server.rateLimits);
  auto authenticator = host_->services().find<Authenticator>();
  std::vector<std::unique_ptr<Middleware>> chain;
  chain.push_back(makeRequestIdMiddleware());
  chain.push_back(makeSecurityHeadersMiddleware(config_.environment == "production"));
  chain.push_back(makeProblemMiddleware());
  chain.push_back(makeCorsMiddleware(config_.server.cors));
  chain.push_back(makeClientAllowMiddleware({"/metrics"}, CidrSet(config_.server.metricsAllow)));
  chain.push_back(makeRouteMiddleware());
  chain.push_back(makeBodyLimitMiddleware(config_.server.maxBodyBytes));
  chain.push_back(makeContentTypeMiddleware());
  chain.push_back(makeRateLimitMiddleware(*rateLimiter_));
  chain.push_back(makeAuthenticateMiddleware(authenticator));
  chain.push_back(makeAuthorizeMiddleware());
  if (config_.server.checkResponses) chain.push_back(makeContractCheckMiddleware());
  httpMetrics_ = std::make_unique<HttpMetrics>(router);
  chain.push_back(makeAccessLogMiddleware(*httpMetrics_, config_.logging.accessLog));
  pipeline_ = std::make_unique<Pipeline>(std::move(router), std::move(chain));
  openApi_ = buildOpenApi(pipeline_->router(), {.version = AGAPE_VERSION});
  registerCollectors();
}

void Application::start() {
  host_->start();
  pluginsStarted_ = true;
  try {
    // Followers keep every instance's in-memory state current, whether or
    // not it runs jobs and delivers to subscribers.
    if (config_.jobs.enabled) jobs_->start();
    events_->start(config_.jobs.enabled);
    workers_ = std::make_unique<WorkerPool>(config_.server.workerThreads, 10'000, "agape-work",
                                            config_.server.workerQueueTimeout);
    server_ = std::make_unique<HttpServer>(config_.server, *pipeline_, *workers_);
    server_->start();
  } catch (...) {
    events_->stop();
    jobs_->stop(config_.server.shutdownGrace);
    host_->stop();
    pluginsStarted_ = false;
    throw;
  }
  log().info("listening", {{"address", config_.server.host + ":" + std::to_string(server_->port())},
                           {"routes", std::to_string(pipeline_->router().routes().size())}});
}

void Application::stop() {
  if (server_) server_->drainAndStop(config_.server.shutdownGrace);
  // Tasks still queued answer through the server's connections: the
  // workers finish before the server goes.
  if (workers_) workers_->shutdown();
  server_.reset();
  // Deliveries and jobs run plugin code: they stop before the plugins do.
  if (events_) events_->stop();
  if (jobs_) jobs_->stop(config_.server.shutdownGrace);
  if (pluginsStarted_) {
    host_->stop();
    pluginsStarted_ = false;
  }
}

JobRunner& Application::jobs() {
  if (!jobs_) {
    if (!db_) throw std::logic_error("the database is not open");
    jobs_ = std::make_unique<JobRunner>(*db_, clock_, metrics_, config_.jobs);
    jobs_->freeze();
  }
  return *jobs_;
}

std::uint16_t Application::port() const { return server_ ? server_->port() : 0; }

namespace {

struct Liveness {
  std::string status = "ok";
};
struct Readiness {
  std::string status;                        // ready | unavailable
  std::map<std::string, std::string> checks;  // what was looked at, and its state
};

const Schema<Liveness>& livenessSchema() {
  static const auto s = Schema<Liveness>().field("status", &Liveness::status, {.oneOf = {"ok"}});
  return s;
}
const Schema<Readiness>& readinessSchema() {
  static const auto s =
      Schema<Readiness>()
          .field("status", &Readiness::status, {.oneOf = {"ready", "unavailable"}})
          .field("checks", &Readiness::checks,
                 {.description = "database up|down, databaseFile missing, databaseWrites failing, plugins "
                                 "started|stopped, server draining"});
  return s;
}

// A kernel route: its contract's OpenAPI and response check like a plugin's.
template <class O, class F>
Route operationsRoute(std::string path, const Contract<None, None, O>& contract, RouteOptions options, F handler) {
  Route r;
  r.method = Method::Get;
  r.pathTemplate = std::move(path);
  options.tag = "operations";
  options.rateLimitClass = "none";
  options.runInline = true;  // each reads memory only
  r.handler = bindContract(contract, options, std::move(handler));
  r.options = std::move(options);
  r.pluginId = "kernel";
  return r;
}

}  // namespace

// From what the pool already knows (its background thread pings a quiet
// database), so that /readyz never waits on the database itself.
Response Application::readiness() const {
  Readiness r;
  const DbPool::Health health = db_ ? db_->health() : DbPool::Health{.up = false};
  const bool dbUp = health.ready();
  r.checks["database"] = dbUp ? "up" : "down";
  if (!health.fileIntact) r.checks["databaseFile"] = "missing";
  if (health.writesFailing) r.checks["databaseWrites"] = "failing";
  r.checks["plugins"] = pluginsStarted_ ? "started" : "stopped";
  const bool draining = server_ && server_->draining();
  if (draining) r.checks["server"] = "draining";
  const bool ready = dbUp && pluginsStarted_ && !draining;
  r.status = ready ? "ready" : "unavailable";
  return Response::json(readinessSchema().encode(r), ready ? 200 : 503);
}

void Application::registerOperationsRoutes(RouteTable& table) {
  static const std::string alive = livenessSchema().encode({});
  table.add(operationsRoute("/healthz", Contract().returns(livenessSchema()),
                            {.summary = "Liveness: 200 while the process serves"},
                            [](Call<>&) { return Response::json(alive); }));
  table.add(operationsRoute("/readyz", Contract().returns(readinessSchema()),
                            {.summary = "Readiness: 200 only when the database answers and every plugin started",
                             .description = "503 with the same body while not ready."},
                            [this](Call<>&) { return readiness(); }));
  table.add(operationsRoute(
      "/metrics", Contract(), {.summary = "Prometheus metrics", .successContentType = "text/plain"},
      [this](Call<>&) { return Response::text(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8"); }));
  table.add(operationsRoute("/openapi.json", Contract(), {.summary = "This OpenAPI document"},
                            [this](Call<>&) { return Response::json(openApi_); }));
}

namespace {
// A metric family with one unlabelled sample.
void appendFamily(std::string& out, const std::string& name, const char* type, const char* help, double value) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  appendSample(out, name, "", value);
}

void renderConnectionMetrics(std::string& out, const HttpServer::Stats& s) {
  appendFamily(out, "agape_http_connections", "gauge", "Open client connections.", static_cast<double>(s.open));
  appendFamily(out, "agape_http_connection_limit", "gauge", "Client connections at most (server.maxConnections).",
               s.limit);
  out += "# HELP agape_http_connections_closed_total Connections the server closed, by reason.\n"
         "# TYPE agape_http_connections_closed_total counter\n";
  for (std::size_t i = 1; i < s.closedFor.size(); ++i)
    appendSample(out, "agape_http_connections_closed_total",
                 formatLabels({{"reason", ConnectionRegistry::reasonName(static_cast<ConnectionRegistry::Reason>(i))}}),
                 static_cast<double>(s.closedFor[i]));
  appendFamily(out, "agape_http_accept_failures_total", "counter",
               "Connections not accepted for want of file descriptors.", static_cast<double>(s.acceptFailures));
  appendFamily(out, "agape_http_malformed_requests_total", "counter",
               "Requests refused before routing (malformed or too large); each closes its connection.",
               static_cast<double>(s.malformed));
}
}  // namespace

void Application::registerCollectors() {
  metrics_.addCollector([this](std::string& out) {
    if (httpMetrics_) httpMetrics_->render(out);
    if (db_) {
      auto s = db_->stats();
      out += "# HELP agape_db_pool_connections Database pool connections by state.\n"
             "# TYPE agape_db_pool_connections gauge\n";
      appendSample(out, "agape_db_pool_connections", "{state=\"in_use\"}", s.inUse);
      appendSample(out, "agape_db_pool_connections", "{state=\"idle\"}", s.size - s.inUse);
      appendFamily(out, "agape_db_pool_waits_total", "counter", "Acquisitions that had to wait for a connection.",
                   static_cast<double>(s.waits));
      appendFamily(out, "agape_db_tx_retries_total", "counter",
                   "Transactions re-run after a serialization failure.", static_cast<double>(s.retries));
      const DbPool::Health h = db_->health();
      appendFamily(out, "agape_db_up", "gauge", "Whether the database is reachable (1) or in an outage (0).",
                   h.up ? 1 : 0);
      appendFamily(out, "agape_db_reconnects_total", "counter", "Database connections re-opened after they were lost.",
                   static_cast<double>(h.reconnects));
      appendFamily(out, "agape_db_outages_total", "counter", "Times the database became unreachable.",
                   static_cast<double>(h.outages));
    }
    if (jobs_ && db_) jobs_->renderMetrics(out);
    if (workers_) {
      appendFamily(out, "agape_worker_queue_depth", "gauge", "Requests waiting for a worker thread.",
                   static_cast<double>(workers_->queued()));
      appendFamily(out, "agape_worker_queue_expired_total", "counter",
                   "Requests answered 503 after waiting longer than server.workerQueueTimeout for a worker.",
                   static_cast<double>(workers_->expired()));
    }
    if (server_) renderConnectionMetrics(out, server_->stats());
    if (host_) {
      out += "# HELP agape_plugin_info Loaded plugins.\n# TYPE agape_plugin_info gauge\n";
      for (const auto& p : host_->plugins())
        appendSample(out, "agape_plugin_info", formatLabels({{"id", p.id}, {"version", p.version}}),
                     pluginsStarted_ ? 1 : 0);
    }
  });
}

}  // namespace agape::kernel
