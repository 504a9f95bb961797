#pragma once
#include <string_view>

namespace agape {

class Clock;
class ConfigView;
class Database;
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
};

}  // namespace agape
