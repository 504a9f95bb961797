#pragma once
// The roles of API.md, as the auth plugin grants them and routes name them.
#include <string_view>

namespace agape::roles {

inline constexpr std::string_view customer = "customer";
inline constexpr std::string_view admin = "admin";
inline constexpr std::string_view merchant = "merchant";
inline constexpr std::string_view fulfilment = "fulfilment";
inline constexpr std::string_view finance = "finance";

}  // namespace agape::roles
