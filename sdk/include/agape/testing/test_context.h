#pragma once
// An agape::Context for a plugin under test (or for the pieces of one), on
// the kernel's own machinery: the durable job runner, the event log, the
// audit trail, the service registry, the route and command registries. What
// a running server does by itself on its threads happens here only when the
// test says so, on the test's thread, by a clock that moves only when told:
//
//   agape::testing::TestDatabase database({.migrations = {{"loyalty", dir}}});
//   agape::testing::TestContext ctx({.pluginId = "loyalty", .database = &database.db(),
//                                    .config = "loyalty:\n  pointsPerNaira: 2\n"});
//   plugin.configure(ctx.config());
//   plugin.provision(ctx);
//   ctx.endProvision();
//   ... ctx.request(agape::Method::Get, "/v1/loyalty/balance").as("u-ada").send() ...
//   ctx.manualClock().advance(std::chrono::hours(24));
//   ctx.tickCron();     // the schedules due by now enqueue their jobs
//   ctx.runDueJobs();   // every job due by now runs, and every event is delivered
//   EXPECT_EQ(ctx.published<PointsCredited>().size(), 1u);  // typed; or by topic
//
// PluginKit (agape/testing/plugin_kit.h) does the wiring for a whole plugin.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/clock.h"
#include "agape/context.h"
#include "agape/events.h"
#include "agape/http.h"
#include "agape/metrics.h"
#include "agape/services.h"
#include "agape/testing/log_capture.h"
#include "agape/testing/manual_clock.h"
#include "agape/testing/test_request.h"
#include "agape/version.h"

namespace agape::testing {

struct TestContextOptions {
  std::string pluginId = "test";
  // Behind db(), jobs(), events() and audit() (a TestDatabase's db()).
  // Without one, those throw DbError saying so when they reach the database.
  Database* database = nullptr;
  // The whole configuration document as YAML text (named
  // /etc/agape/agape.yaml); config() is its `<pluginId>:` section.
  std::string config;
  std::string environment = "development";
  // The top-level dataDir; empty: a temporary folder, removed afterwards.
  std::string dataDir;
  // A clock of the test's own, shared with the objects it builds; empty:
  // the context has one (manualClock()) that starts at ManualClock's default.
  ManualClock* clock = nullptr;
  // The kernel's SecretBox service (agape/secret_box.h), sealing with a key
  // made in <dataDir>/secrets, as a development server provides it. Turn it
  // off to provide a fake instead.
  bool secretBox = true;
};

// An event the plugin published and whose transaction committed.
struct PublishedEvent {
  std::string id;
  std::string topic;
  std::string payload;  // JSON text
  std::string requestId;  // of the request that published it; "" outside one
  Clock::TimePoint occurredAt;
  int schemaVersion = 1;  // as the publisher's event struct declares it
};

struct CommandResult {
  int status = 0;
  std::string out;
  std::string err;
};

class AGAPE_API TestContext final : public Context {
 public:
  explicit TestContext(TestContextOptions options = {});
  ~TestContext() override;
  TestContext(const TestContext&) = delete;
  TestContext& operator=(const TestContext&) = delete;

  // ---- agape::Context
  std::string_view pluginId() const override;
  Routes& routes() override;
  Database& db() override;
  Services& services() override;
  const ConfigView& config() const override;
  Logger& logger() override;  // logs()
  Metrics& metrics() override;
  const Clock& clock() const override;  // manualClock()
  Jobs& jobs() override;
  Events& events() override;
  Audit& audit() override;
  Commands& commands() override;
  std::string_view environment() const override;
  std::string_view dataDir() const override;

  // ---- the test's side
  ManualClock& manualClock();
  LogCapture& logs();

  // Ends provision as the server does: routes, job queues, subscriptions
  // and schedules are closed (adding one throws), and the cron schedules'
  // next ticks are set from the clock's time now. Idempotent; the first
  // request, runDueJobs(), deliverEvents() and tickCron() do it first.
  void endProvision();

  // Requests to the registered routes (agape/testing/test_request.h).
  TestRequest request(Method method, std::string_view target);

  // Jobs and events: runs every job due by the manual clock and delivers
  // every event published, on this thread, until none is left, and returns
  // how many ran (jobs and deliveries).
  // Failures are retried later as on a server (with backoff: advance the
  // clock to see the next attempt) and dead-lettered after their attempts.
  int runDueJobs();
  // Fires the cron ticks due by the manual clock (each enqueues its job;
  // runDueJobs() runs it). Returns how many fired.
  int tickCron();

  // Events the plugin published (through events()) in transactions that
  // committed, oldest first; only those `topic` covers when given (exact,
  // or a pattern such as "order.*").
  std::vector<PublishedEvent> published(std::string_view topic = {}) const;
  // The events of type E published so far, decoded as a subscriber would
  // (a payload that does not decode throws PermanentJobFailure with why).
  template <EventType E>
  std::vector<E> published() const {
    std::vector<E> out;
    for (const auto& p : published(E::topic))
      out.push_back(decodeEvent<E>(Event{.id = p.id, .topic = p.topic, .payload = p.payload, .occurredAt = {},
                                         .requestId = p.requestId, .attempt = 1, .schemaVersion = p.schemaVersion}));
    return out;
  }
  void clearPublished();
  // An event as another plugin would publish it, in a transaction of its
  // own; it reaches this plugin's subscribers when they run
  // (deliverEvents() or runDueJobs()). Not listed by published().
  std::string publish(std::string_view topic, std::string_view payloadJson, int schemaVersion = 1);
  template <EventType E>
  std::string publish(const E& event) {
    return publish(E::topic, E::schema().encode(event), E::schemaVersion);
  }
  // Delivers the events published to the subscribers, and the retries of
  // failed deliveries that are due; returns how many ran.
  int deliverEvents();

  // Metrics in the Prometheus text format, as /metrics would show them.
  std::string metricsText() const;
  // One sample ("name" with exactly these labels, in the order given at
  // registration; histograms as name_count, name_sum ...); nullopt when
  // there is none.
  std::optional<double> metric(std::string_view name, const Labels& labels = {}) const;

  // Runs a command the plugin added, as `agape <words...>` would: the
  // longest registered name first, the rest are its arguments. Throws
  // std::invalid_argument when no command matches.
  CommandResult runCommand(const std::vector<std::string>& words, const std::string& input = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace agape::testing
