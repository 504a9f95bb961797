#include "agape/testing/test_context.h"

#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "agape/db.h"
#include "agape/secret_box.h"
#include "agape/testing/config_text.h"
#include "agape/testing/temp_dir.h"
#include "app/command_registry.h"
#include "audit/audit_log.h"
#include "events/event_bus.h"
#include "jobs/job_runner.h"
#include "jobs/plugin_jobs.h"
#include "kernel_log_level.h"
#include "metrics/registry.h"
#include "plugins/service_registry.h"
#include "recording_events.h"
#include "route_runner.h"
#include "secrets/sealing_keys.h"

namespace agape::testing {
namespace {

// Behind a context given no database: any use says what is missing.
class NoDatabase final : public Database {
 public:
  Dialect dialect() const override { return Dialect::Sqlite; }
  void transact(const std::function<void(Tx&)>&, TxOptions) override {
    throw DbError(DbError::Kind::Other, "this TestContext has no database: give it TestContextOptions::database");
  }
};

// Runs `round` until a round runs nothing; returns how many ran in all.
int untilNoneRan(const std::function<int()>& round) {
  int ran = 0;
  for (int n = round(); n > 0; n = round()) ran += n;
  return ran;
}

}  // namespace

struct TestContext::State {
  explicit State(TestContextOptions o)
      : options(std::move(o)),
        clock(options.clock ? *options.clock : ownClock),
        db(options.database ? *options.database : noDatabase),
        config(ConfigText(options.config).section(options.pluginId)),
        runner(db, clock, metrics, kernel::JobsConfig{}),
        bus(db, runner, metrics, kernel::JobsConfig{}.pollInterval),
        audit(db, clock),
        events(bus, options.pluginId, clock),
        jobs(runner, options.pluginId),
        commands(commandRegistry, options.pluginId),
        routes(options.pluginId, options.environment == "production") {
    if (options.dataDir.empty()) {
      tempData = std::make_unique<TempDir>();
      options.dataDir = tempData->path().string();
    }
    if (options.secretBox)
      services.provide<SecretBox>(kernel::SealingKeys::load(std::filesystem::path(options.dataDir) / "secrets", true));
  }

  void endProvision() {
    std::lock_guard lock(provisionMutex);
    if (provisionEnded) return;
    provisionEnded = true;
    routes.close();
    runner.freeze();
    runner.syncSchedules();
    // Subscribers read the log from here on, as on a server's start.
    if (options.database) bus.openCursors();
  }

  TestContextOptions options;
  std::unique_ptr<TempDir> tempData;
  ManualClock ownClock;
  ManualClock& clock;
  LogCapture logs;
  kernel::MetricsRegistry metrics;
  NoDatabase noDatabase;
  Database& db;
  std::unique_ptr<ConfigView> config;
  kernel::JobRunner runner;
  kernel::EventBus bus;
  kernel::AuditLog audit;
  RecordingEvents events;
  kernel::PluginJobs jobs;
  kernel::CommandRegistry commandRegistry;
  kernel::PluginCommands commands;
  RouteRunner routes;
  // Last, so destroyed first: a provided service may use anything above.
  kernel::ServiceRegistry services;
  std::mutex provisionMutex;
  bool provisionEnded = false;
};

TestContext::TestContext(TestContextOptions options)
    : state_((applyKernelLogLevel(), std::make_unique<State>(std::move(options)))) {}

TestContext::~TestContext() = default;

std::string_view TestContext::pluginId() const { return state_->options.pluginId; }
Routes& TestContext::routes() { return state_->routes.routes(); }
Database& TestContext::db() { return state_->db; }
Services& TestContext::services() { return state_->services; }
const ConfigView& TestContext::config() const { return *state_->config; }
Logger& TestContext::logger() { return state_->logs; }
Metrics& TestContext::metrics() { return state_->metrics; }
const Clock& TestContext::clock() const { return state_->clock; }
Jobs& TestContext::jobs() { return state_->jobs; }
Events& TestContext::events() { return state_->events; }
Audit& TestContext::audit() { return state_->audit; }
Commands& TestContext::commands() { return state_->commands; }
std::string_view TestContext::environment() const { return state_->options.environment; }
std::string_view TestContext::dataDir() const { return state_->options.dataDir; }

ManualClock& TestContext::manualClock() { return state_->clock; }
LogCapture& TestContext::logs() { return state_->logs; }

void TestContext::endProvision() { state_->endProvision(); }

TestRequest TestContext::request(Method method, std::string_view target) {
  State* s = state_.get();
  return TestRequest(
      [s](Request r) {
        s->endProvision();
        return s->routes.send(std::move(r), s->services);
      },
      method, target);
}

int TestContext::runDueJobs() {
  state_->endProvision();
  // A job may publish events and a subscriber enqueue jobs.
  return untilNoneRan([&] { return state_->bus.deliverDue() + state_->runner.runDue(); });
}

int TestContext::tickCron() {
  state_->endProvision();
  return state_->runner.tickCron();
}

std::vector<PublishedEvent> TestContext::published(std::string_view topic) const {
  return state_->events.published(topic);
}

void TestContext::clearPublished() { state_->events.clear(); }

std::string TestContext::publish(std::string_view topic, std::string_view payloadJson, int schemaVersion) {
  std::string id;
  state_->db.transact([&](Tx& tx) { id = state_->bus.publish(tx, topic, payloadJson, schemaVersion); });
  return id;
}

int TestContext::deliverEvents() {
  state_->endProvision();
  // From the log, then the retries due (jobs on the subscribers' queues).
  return untilNoneRan([&] { return state_->bus.deliverDue() + state_->runner.runDue("events."); });
}

std::string TestContext::metricsText() const { return state_->metrics.render(); }

std::optional<double> TestContext::metric(std::string_view name, const Labels& labels) const {
  const std::string prefix = std::string(name) + kernel::formatLabels(labels) + " ";
  std::istringstream text(state_->metrics.render());
  for (std::string line; std::getline(text, line);)
    if (line.compare(0, prefix.size(), prefix) == 0) return std::stod(line.substr(prefix.size()));
  return std::nullopt;
}

CommandResult TestContext::runCommand(const std::vector<std::string>& words, const std::string& input) {
  std::size_t used = 0;
  const auto* entry = state_->commandRegistry.find(words, used);
  if (!entry) {
    std::string line;
    for (const auto& w : words) line += (line.empty() ? "" : " ") + w;
    throw std::invalid_argument("no command matches \"" + line + "\"");
  }
  const std::vector<std::string> args(words.begin() + static_cast<std::ptrdiff_t>(used), words.end());
  std::istringstream in(input);
  std::ostringstream out, err;
  CommandResult result;
  result.status = entry->handler(CommandIo{args, in, out, err});
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace agape::testing
