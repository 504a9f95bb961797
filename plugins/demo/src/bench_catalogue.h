#pragma once
// A large deterministic catalogue for benchmarks: `products` products with
// three variants each, spread over the demo category tree, with names and
// descriptions drawn from fixed word lists (so searches such as "dress" hit
// a predictable share).
#include <agape/catalog/catalog_import.h>
#include <agape/db.h>

#include "demo_catalogue.h"

namespace agape::demo {

// Refuses (std::runtime_error) when the catalogue already has products.
SeedResult seedBenchCatalogue(Tx& tx, const catalog::CatalogImport& catalog, int products);

}  // namespace agape::demo
