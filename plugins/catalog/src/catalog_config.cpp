#include "catalog_config.h"

namespace agape::catalog {

CatalogConfig decodeCatalogConfig(const ConfigView& section) {
  CatalogConfig c;
  ConfigDecoder d(section);
  c.cacheTtl = d.duration("cacheTtl", c.cacheTtl);
  c.cachePollInterval = d.duration("cachePollInterval", c.cachePollInterval);
  if (auto search = d.section("search")) {
    ConfigDecoder s(*search);
    c.searchEngine = s.choice("engine", c.searchEngine, {"xapian", "database"});
    if (const std::string file = s.string("synonyms", ""); !file.empty())
      c.synonymsFile = configPath(*search, "synonyms", file);
    if (const std::string dir = s.string("directory", ""); !dir.empty())
      c.searchDirectory = configPath(*search, "directory", dir);
    s.finish();
  }
  d.finish();
  if (c.cacheTtl.count() < 0) section.child("cacheTtl")->fail("must not be negative");
  // Cross-instance invalidation is promised within 1 s.
  if (c.cachePollInterval.count() < 50 || c.cachePollInterval.count() > 1000)
    section.child("cachePollInterval")->fail("must be between 50ms and 1s");
  return c;
}

}  // namespace agape::catalog
