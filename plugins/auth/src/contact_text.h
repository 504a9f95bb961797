#pragma once
// The contact details a person types: an email address and a phone number.
#include <string>
#include <string_view>

namespace agape::auth {

// Trimmed and lower-cased; empty when it is not a plausible address.
std::string normalizeEmail(std::string_view email);
bool plausiblePhone(std::string_view phone);

}  // namespace agape::auth
