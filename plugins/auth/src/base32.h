#pragma once
// RFC 4648 base32 (upper-case alphabet), as authenticator apps expect secrets.

#include <optional>
#include <string>
#include <string_view>

namespace agape::auth {

std::string base32Encode(std::string_view bytes, bool pad = false);
// Case-insensitive; accepts optional '=' padding; spaces are not allowed.
std::optional<std::string> base32Decode(std::string_view text);

}  // namespace agape::auth
