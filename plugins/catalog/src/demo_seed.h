#pragma once
// A deterministic demo fashion catalogue (about 200 products in 14
// categories under 4 roots), for development and demos.
#include <agape/db.h>

namespace agape::catalog {

struct SeedResult {
  int categories = 0;
  int products = 0;
  int variants = 0;
};

// Loads the demo catalogue when the products table is empty; returns what it
// inserted (all zero when there was already data).
SeedResult seedDemoCatalogue(Tx& tx);

}  // namespace agape::catalog
