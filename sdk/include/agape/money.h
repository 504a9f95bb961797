#pragma once
// Amounts in minor units (kobo) as people read them.
#include <string>

namespace agape {

// An amount as API.md writes money: {"amount": 1250000, "currency": "NGN"}.
struct Money {
  long long amount = 0;  // minor units
  std::string currency;  // ISO 4217
  friend bool operator==(const Money&, const Money&) = default;
};

// 1234567 → "12,345.67"; -250000 → "-2,500.00". Two decimals (NGN, GHS,
// ZAR, KES and USD all have a factor of 100).
std::string formatMinorUnits(long long minor);

}  // namespace agape
