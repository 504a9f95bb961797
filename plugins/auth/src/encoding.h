#pragma once
// Byte encodings used by tokens: base64url without padding (JOSE) and hex.

#include <optional>
#include <string>
#include <string_view>

namespace agape::auth {

std::string base64UrlEncode(std::string_view bytes);
// Strict: only the base64url alphabet, no padding, no trailing bits set;
// nullopt otherwise.
std::optional<std::string> base64UrlDecode(std::string_view text);

std::string hexEncode(std::string_view bytes);

}  // namespace agape::auth
