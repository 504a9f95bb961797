#pragma once
// A deterministic demo fashion catalogue (about 200 products in 14
// categories under 4 roots), for development and demos.
#include <string>
#include <vector>

#include <agape/catalog/catalog_import.h>
#include <agape/db.h>

namespace agape::demo {

struct SeedResult {
  int categories = 0;
  int products = 0;
  int variants = 0;
};

// Loads the demo catalogue when the catalogue has no products; returns what
// it inserted (all zero when there was already data). Its products have no
// pictures yet: dressDemoProducts gives them some.
SeedResult seedDemoCatalogue(Tx& tx, const catalog::CatalogImport& catalog);

// A demo product and its two colours, for its picture.
struct DemoLook {
  std::string productId, name, colourA, colourB;
};
std::vector<DemoLook> demoLooks(const catalog::CatalogImport& catalog);
// The colour a demo colour name stands for (0xRRGGBB).
unsigned demoColourRgb(const std::string& name);

}  // namespace agape::demo
