#include "catalog_config.h"

namespace agape::catalog {

CatalogConfig decodeCatalogConfig(const ConfigView& section) {
  CatalogConfig c;
  ConfigDecoder d(section);
  c.cacheTtl = d.duration("cacheTtl", c.cacheTtl);
  c.cachePollInterval = d.duration("cachePollInterval", c.cachePollInterval);
  d.finish();
  if (c.cacheTtl.count() < 0) section.child("cacheTtl")->fail("must not be negative");
  // Cross-instance invalidation is promised within 1 s.
  if (c.cachePollInterval.count() < 50 || c.cachePollInterval.count() > 1000)
    section.child("cachePollInterval")->fail("must be between 50ms and 1s");
  return c;
}

}  // namespace agape::catalog
