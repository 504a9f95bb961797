#pragma once
// Writing JSON text without building a document (hot response bodies, log
// lines): the escaping RFC 8259 asks of a string's contents. Light: no
// JSON library behind it.

#include <string>
#include <string_view>

namespace agape {

// Appends `text` escaped for the inside of a JSON string (no quotes added):
// quote, backslash and control characters escaped; UTF-8 passes through.
void appendJsonEscaped(std::string& out, std::string_view text);

// Appends `text` as a whole JSON string literal, quotes included.
inline void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  appendJsonEscaped(out, text);
  out += '"';
}

}  // namespace agape
