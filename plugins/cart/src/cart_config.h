#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <agape/config.h>

namespace agape::cart {

struct ShippingMethod {
  std::string id;     // "standard", the shippingMethod clients send
  std::string label;  // shown to the shopper
  std::int64_t price = 0;                 // minor units
  std::optional<std::int64_t> freeFrom;  // free when subtotal − discount reaches this
};

struct TaxRule {
  std::string name = "VAT";
  long long rateBasisPoints = 750;  // 7.5 % (Nigeria's VAT)
  // Catalogue prices already include the tax (consumer prices): the total is
  // not raised, the tax line shows the part of it that is tax.
  bool pricesIncludeTax = true;
};

struct CartConfig {
  long long maxQuantityPerLine = 10;
  long long maxLines = 50;
  // Guest carts untouched this long are deleted by a daily job; a signed-in
  // user's cart is kept.
  std::chrono::milliseconds guestCartTtl = std::chrono::hours(24 * 30);
  std::string currency = "NGN";
  TaxRule tax;
  std::vector<ShippingMethod> shippingMethods = {
      {"standard", "Standard delivery (3-5 working days)", 250'000, 5'000'000},
      {"express", "Express delivery (next working day)", 500'000, std::nullopt},
      {"pickup", "Pick up in store", 0, std::nullopt}};
  std::string defaultShippingMethod = "standard";

  const ShippingMethod* shippingMethod(const std::string& id) const;
};

// Strict decode of the `cart:` section; throws agape::ConfigError.
CartConfig decodeCartConfig(const ConfigView& section);

}  // namespace agape::cart
