#include "agape/text.h"

#include <algorithm>
#include <iterator>

#include <utf8.h>

namespace agape {

bool isCleanText(std::string_view text) {
  return text.find('\0') == std::string_view::npos && utf8::is_valid(text.begin(), text.end());
}

std::string cleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  utf8::replace_invalid(text.begin(), text.end(), std::back_inserter(out));
  out.erase(std::remove(out.begin(), out.end(), '\0'), out.end());
  return out;
}

}  // namespace agape
