#include "db/sql_placeholders.h"

#include <cctype>

namespace agape::kernel {
namespace {

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Length of the `$tag$` opening a dollar-quoted string at `i`, or 0.
std::size_t dollarTagLength(std::string_view sql, std::size_t i) {
  if (sql[i] != '$') return 0;
  // A dollar quote cannot follow an identifier character ("a$b" is a name).
  if (i > 0 && isNameChar(sql[i - 1])) return 0;
  std::size_t j = i + 1;
  if (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) return 0;  // $1 parameter
  while (j < sql.size() && isNameChar(sql[j])) ++j;
  if (j < sql.size() && sql[j] == '$') return j - i + 1;
  return 0;
}

}  // namespace

PositionalSql toPositional(std::string_view sql, PlaceholderStyle style) {
  PositionalSql out;
  out.sql.reserve(sql.size() + 8);
  std::size_t i = 0;
  const std::size_t n = sql.size();
  auto copyUntil = [&](std::size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quote doubling ('it''s') simply re-enters the literal on the next pass.
      auto close = sql.find(c, i + 1);
      copyUntil(close == std::string_view::npos ? n : close + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      auto eol = sql.find('\n', i);
      copyUntil(eol == std::string_view::npos ? n : eol);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      auto close = sql.find("*/", i + 2);
      copyUntil(close == std::string_view::npos ? n : close + 2);
    } else if (std::size_t tag = dollarTagLength(sql, i)) {
      auto close = sql.find(sql.substr(i, tag), i + tag);
      copyUntil(close == std::string_view::npos ? n : close + tag);
    } else if (c == ':' && i + 1 < n && sql[i + 1] == ':') {
      copyUntil(i + 2);
    } else if (c == ':' && i + 1 < n && isNameStart(sql[i + 1])) {
      std::size_t j = i + 2;
      while (j < n && isNameChar(sql[j])) ++j;
      ++out.count;
      out.sql += style == PlaceholderStyle::Dollar ? '$' : '?';
      out.sql += std::to_string(out.count);
      i = j;
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

}  // namespace agape::kernel
