#pragma once
#include <string>
#include <string_view>

namespace agape::kernel {

// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

}  // namespace agape::kernel
