#pragma once
// Turning backend failures into portable agape::DbError kinds, with messages
// that are useful in logs and never carry bound parameter values.

#include <string>
#include <string_view>

#include "agape/db.h"

namespace agape::kernel {

DbError::Kind kindForSqlState(std::string_view sqlstate);
DbError::Kind kindForSqliteCode(int extendedCode);

// Removes the values of `params` where a backend message echoes them
// (quoted, parenthesised, or verbatim when long enough to be unambiguous).
std::string scrubParams(std::string message, const Params& params);

// "<message> (<code>) in: <sql>", the SQL shortened to one line.
std::string describeFailure(std::string_view message, std::string_view code, std::string_view sql);

}  // namespace agape::kernel
