#include "base32.h"

#include <liboath/oath.h>

#include <cstdlib>
#include <memory>

namespace agape::auth {
namespace {

using Owned = std::unique_ptr<char, decltype(&std::free)>;

}  // namespace

std::string base32Encode(std::string_view bytes, bool pad) {
  if (bytes.empty()) return "";
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &length) != OATH_OK) throw std::bad_alloc();
  const Owned owned(out, &std::free);
  std::string text(out, length);
  if (!pad) text.erase(text.find_last_not_of('=') + 1);
  return text;
}

std::optional<std::string> base32Decode(std::string_view text) {
  // liboath skips spaces; a secret typed or pasted with them is refused here.
  if (text.find(' ') != std::string_view::npos) return std::nullopt;
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_decode(text.data(), text.size(), &out, &length) != OATH_OK) return std::nullopt;
  const Owned owned(out, &std::free);
  return std::string(out, length);
}

}  // namespace agape::auth
