#pragma once
// Named placeholders (":id") are the one portable parameter syntax of the
// SDK. Each occurrence is one parameter, bound in order of appearance, so
// the text is rewritten to the backend's positional form before it runs.

#include <cstddef>
#include <string>
#include <string_view>

namespace agape::kernel {

enum class PlaceholderStyle {
  Question,  // SQLite: ?1, ?2 ...
  Dollar,    // PostgreSQL: $1, $2 ...
};

struct PositionalSql {
  std::string sql;
  std::size_t count = 0;  // placeholders found
};

// Skips string literals, quoted identifiers, comments, PostgreSQL
// dollar-quoted bodies and `::` casts; ":name" starts with a letter or _.
PositionalSql toPositional(std::string_view sql, PlaceholderStyle style);

}  // namespace agape::kernel
