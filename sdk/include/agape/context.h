#pragma once
#include <string_view>

namespace agape {

class Audit;
class Clock;
class Commands;
class ConfigView;
class Database;
class Events;
class Jobs;
class Logger;
class Metrics;
class Routes;
class Services;

// What a plugin sees of the server. One Context per plugin, valid from
// provision until after stop. It never exposes the kernel itself.
class Context {
 public:
  virtual ~Context() = default;
  virtual std::string_view pluginId() const = 0;
  // Open during provision only; adding a route later throws std::logic_error.
  virtual Routes& routes() = 0;
  virtual Database& db() = 0;
  virtual Services& services() = 0;
  // This plugin's configuration section (already decoded by configure()).
  virtual const ConfigView& config() const = 0;
  virtual Logger& logger() = 0;
  virtual Metrics& metrics() = 0;
  virtual const Clock& clock() const = 0;
  // Durable jobs and cron schedules (agape/jobs.h).
  virtual Jobs& jobs() = 0;
  // Domain events, kept as a log in the publisher's transaction (agape/events.h).
  virtual Events& events() = 0;
  // The append-only audit trail (agape/audit.h).
  virtual Audit& audit() = 0;
  // Command-line commands of this plugin (agape/commands.h); provision only.
  virtual Commands& commands() = 0;
  // The top-level `environment`: "development" or "production". Settings
  // that are safe only for development are refused in production.
  virtual std::string_view environment() const = 0;
  // The top-level `dataDir`, absolute: where plugins keep local files
  // (each in a folder of its own, e.g. <dataDir>/media).
  virtual std::string_view dataDir() const = 0;
};

}  // namespace agape
