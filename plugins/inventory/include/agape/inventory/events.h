#pragma once
// The events inventory publishes. Quantities are units of one variant.

#include <string>
#include <string_view>
#include <vector>

#include <agape/inventory/holder.h>
#include <agape/schema.h>

namespace agape::inventory {

// "inventory.level_changed": a variant's stock moved (received, held,
// sold, released, adjusted). Published for every change, in order of
// `version`, so a reader keeps the newest.
struct InventoryLevelChanged {
  static constexpr std::string_view topic = "inventory.level_changed";
  static constexpr int schemaVersion = 1;
  static const Schema<InventoryLevelChanged>& schema() {
    static const auto s = Schema<InventoryLevelChanged>()
                              .field("variantId", &InventoryLevelChanged::variantId)
                              .field("available", &InventoryLevelChanged::available)
                              .field("onHand", &InventoryLevelChanged::onHand)
                              .field("reserved", &InventoryLevelChanged::reserved)
                              .field("version", &InventoryLevelChanged::version);
    return s;
  }
  std::string variantId;
  long long available = 0;  // onHand - reserved
  long long onHand = 0;
  long long reserved = 0;   // held for unpaid orders
  long long version = 0;    // of the variant's level, rising with every change
};

// "inventory.low_stock": a variant's availability fell below its threshold.
struct InventoryLowStock {
  static constexpr std::string_view topic = "inventory.low_stock";
  static constexpr int schemaVersion = 1;
  static const Schema<InventoryLowStock>& schema() {
    static const auto s = Schema<InventoryLowStock>()
                              .field("variantId", &InventoryLowStock::variantId)
                              .field("available", &InventoryLowStock::available)
                              .field("threshold", &InventoryLowStock::threshold);
    return s;
  }
  std::string variantId;
  long long available = 0;
  long long threshold = 0;
};

struct ExpiredItem {
  std::string variantId;
  long long quantity = 0;
};

// "inventory.reservation_expired": a hold lapsed and its stock went back.
struct ReservationExpired {
  static constexpr std::string_view topic = "inventory.reservation_expired";
  static constexpr int schemaVersion = 1;
  static const Schema<ReservationExpired>& schema() {
    static const auto item = Schema<ExpiredItem>()
                                 .field("variantId", &ExpiredItem::variantId)
                                 .field("quantity", &ExpiredItem::quantity);
    // holderKind and holderId came after holder: optional, so an event
    // published before them still decodes (holder() then reads the key).
    static const auto s = Schema<ReservationExpired>()
                              .field("holder", &ReservationExpired::holderKey)
                              .field("holderKind", &ReservationExpired::holderKind, {.optional = true})
                              .field("holderId", &ReservationExpired::holderId, {.optional = true})
                              .field("items", &ReservationExpired::items, item);
    return s;
  }
  std::string holderKey;   // "holder" on the wire: Holder::key(), "order:<id>", for readers of the key
  std::string holderKind;  // who held it: Holder::kind, "order"
  std::string holderId;    // and its id: Holder::id, the order's
  std::vector<ExpiredItem> items;

  // Who held it; kind and id empty for a key that is no holder's.
  Holder holder() const {
    if (!holderKind.empty()) return Holder{holderKind, holderId};
    return Holder::parse(holderKey).value_or(Holder{});
  }
};

}  // namespace agape::inventory
