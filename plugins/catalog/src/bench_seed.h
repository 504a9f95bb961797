#pragma once
// A large deterministic catalogue for benchmarks: `products` products with
// three variants each, spread over the demo category tree, with names and
// descriptions drawn from fixed word lists (so searches such as "dress" hit
// a predictable share).
#include <agape/db.h>

#include "demo_seed.h"

namespace agape::catalog {

// Refuses (std::runtime_error) when the catalogue already has products.
SeedResult seedBenchCatalogue(Tx& tx, int products);

}  // namespace agape::catalog
