#pragma once
#include <chrono>
#include <string>

#include <agape/config.h>

namespace agape::catalog {

struct CatalogConfig {
  std::chrono::milliseconds cacheTtl = std::chrono::minutes(15);
  // How often this instance looks for writes made by other instances.
  std::chrono::milliseconds cachePollInterval = std::chrono::milliseconds(500);
  // The search engine: "xapian" (an index each instance keeps) or
  // "database" (the database's full-text index).
  std::string searchEngine = "xapian";
  std::string synonymsFile;     // absolute; "" for none
  std::string searchDirectory;  // "" for <dataDir>/catalog-search
};

// Strict decode of the `catalog:` section; throws agape::ConfigError.
CatalogConfig decodeCatalogConfig(const ConfigView& section);

}  // namespace agape::catalog
