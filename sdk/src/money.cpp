#include "agape/money.h"

namespace agape {

std::string formatMinorUnits(long long minor) {
  std::string out;
  unsigned long long v = static_cast<unsigned long long>(minor);
  if (minor < 0) {
    out += '-';
    v = 0 - v;
  }
  const std::string whole = std::to_string(v / 100);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  out += '.';
  out += static_cast<char>('0' + (v % 100) / 10);
  out += static_cast<char>('0' + v % 10);
  return out;
}

}  // namespace agape
