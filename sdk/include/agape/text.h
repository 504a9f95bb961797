#pragma once
// Text from the network before it reaches a database or a log: PostgreSQL
// refuses invalid UTF-8 and NUL in text, so they are a client's mistake
// (400) at the edge, never a 500 from deep inside a query.

#include <string>
#include <string_view>

namespace agape {

// Valid UTF-8 (no overlong forms, no surrogates) without a NUL byte.
bool isCleanText(std::string_view text);

// `text` made clean for storing what a client sent for information only (a
// User-Agent): broken sequences become U+FFFD, NUL bytes are dropped.
std::string cleanText(std::string_view text);

}  // namespace agape
