#pragma once
// Stock for every catalogue variant that has no level yet, so the demo
// catalogue shows availability, low stock and sold-out sizes.
#include <string>

#include <agape/catalog/variant_directory.h>
#include <agape/db.h>
#include <agape/inventory/opening_stock.h>

namespace agape::demo {

// The quantity a variant gets: the same for the same id on every run; about
// 8 % sold out, 12 % low (1 to 4), the rest 5 to 40.
long long demoQuantity(const std::string& variantId);

// Gives each variant without a level its demo quantity (and a cost price of
// 55 % of its price), recorded as movements with their events. Returns how
// many levels it created.
int seedDemoStock(Tx& tx, const catalog::VariantDirectory& variants, const inventory::OpeningStock& stock);

}  // namespace agape::demo
