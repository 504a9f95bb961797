#pragma once
// Amounts in minor units (kobo) as people read them.
#include <string>

namespace agape {

// 1234567 → "12,345.67"; -250000 → "-2,500.00". Two decimals (NGN, GHS,
// ZAR, KES and USD all have a factor of 100).
std::string formatMinorUnits(long long minor);

}  // namespace agape
