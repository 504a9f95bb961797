#pragma once
#include <chrono>

#include <agape/config.h>

namespace agape::catalog {

struct CatalogConfig {
  std::chrono::milliseconds cacheTtl = std::chrono::minutes(15);
  // How often this instance looks for writes made by other instances.
  std::chrono::milliseconds cachePollInterval = std::chrono::milliseconds(500);
};

// Strict decode of the `catalog:` section; throws agape::ConfigError.
CatalogConfig decodeCatalogConfig(const ConfigView& section);

}  // namespace agape::catalog
