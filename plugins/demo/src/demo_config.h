#pragma once
#include <string_view>

#include <agape/config.h>

namespace agape::demo {

struct DemoConfig {
  // On start, load the demo fashion catalogue into an empty catalogue.
  bool catalogue = true;
  // On start, give every catalogue variant without a stock level a
  // deterministic quantity (with the inventory plugin).
  bool stock = false;
};

// Strict decode of the `demo:` section; throws agape::ConfigError.
DemoConfig decodeDemoConfig(const ConfigView& section);

// Made-up products, stock and orders have no place in a real shop: throws
// agape::ConfigError outside development.
void refuseOutsideDevelopment(std::string_view environment);

}  // namespace agape::demo
