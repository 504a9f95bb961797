#pragma once
// A variant's first stock level, for plugins that stock a catalogue they
// loaded (the demo plugin): recorded like an adjustment, with its movement
// and events, in the caller's transaction.
#include <string>
#include <string_view>

namespace agape {
class Tx;
}

namespace agape::inventory {

class OpeningStock {
 public:
  static constexpr std::string_view kServiceId = "agape.inventory.OpeningStock";
  virtual ~OpeningStock() = default;
  // Gives `variantId` `quantity` on hand at `unitCost` (minor units) when
  // it has no level yet; false, changing nothing, when it has one (an
  // earlier run, or another instance at the same time).
  virtual bool open(Tx& tx, const std::string& variantId, long long quantity, long long unitCost,
                    const std::string& reason) const = 0;
};

}  // namespace agape::inventory
