#include "demo_config.h"

#include <string>

namespace agape::demo {

DemoConfig decodeDemoConfig(const ConfigView& section) {
  DemoConfig c;
  ConfigDecoder d(section);
  c.catalogue = d.boolean("catalogue", c.catalogue);
  c.stock = d.boolean("stock", c.stock);
  d.finish();
  return c;
}

void refuseOutsideDevelopment(std::string_view environment) {
  if (environment == "development") return;
  throw ConfigError("plugins.enabled: the demo plugin (demo catalogue, stock and seed commands) is for development "
                    "only; remove demo from plugins.enabled in the " + std::string(environment) + " configuration");
}

}  // namespace agape::demo
