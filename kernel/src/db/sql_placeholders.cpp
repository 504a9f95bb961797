#include "db/sql_placeholders.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

#include "db/db_errors.h"

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

void appendNames(std::string& out, const std::vector<std::string_view>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) out.append(i ? ", :" : ":").append(names[i]);
}

// Only on the failure path: every problem at once, so one fix is enough.
std::string describeMismatch(const PositionalSql& statement, const Params& params) {
  std::vector<std::string_view> missing, unknown, twice;
  for (const auto& name : statement.names)
    if (std::none_of(params.begin(), params.end(), [&](const Param& p) { return p.name == name; }))
      missing.push_back(name);
  for (std::size_t j = 0; j < params.size(); ++j) {
    const std::string& name = params[j].name;
    if (std::find(statement.names.begin(), statement.names.end(), name) == statement.names.end()) {
      if (std::find(unknown.begin(), unknown.end(), name) == unknown.end()) unknown.push_back(name);
    } else if (std::any_of(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(j),
                           [&](const Param& p) { return p.name == name; }) &&
               std::find(twice.begin(), twice.end(), name) == twice.end()) {
      twice.push_back(name);
    }
  }
  std::string out = "the SQL values do not match the statement's placeholders:";
  const char* separator = " ";
  if (!missing.empty()) {
    out.append(std::exchange(separator, "; ")).append("no value for ");
    appendNames(out, missing);
  }
  if (!unknown.empty()) {
    out.append(std::exchange(separator, "; ")).append("no placeholder for ");
    appendNames(out, unknown);
  }
  if (!twice.empty()) {
    out.append(std::exchange(separator, "; ")).append("given twice: ");
    appendNames(out, twice);
  }
  return out;
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
      const std::string_view name = sql.substr(i + 1, j - i - 1);
      // Once per statement text, so a linear search is fine.
      auto at = std::find(out.names.begin(), out.names.end(), name);
      if (at == out.names.end()) at = out.names.emplace(out.names.end(), name);
      out.sql += style == PlaceholderStyle::Dollar ? '$' : '?';
      out.sql += std::to_string(at - out.names.begin() + 1);
      i = j;
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

void bindByName(const PositionalSql& statement, const Params& params, std::string_view sql,
                std::vector<const Value*>& out) {
  const auto& names = statement.names;
  out.assign(names.size(), nullptr);
  // With as many values as names, each matching a name no other value took,
  // every name has its value.
  bool matches = params.size() == names.size();
  for (std::size_t j = 0; j < params.size() && matches; ++j) {
    const std::string& name = params[j].name;
    // Values are mostly given in the statement's order: then the first look finds them.
    std::size_t k = j;
    if (k >= names.size() || names[k] != name)
      k = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    if (k == names.size() || out[k]) {
      matches = false;
    } else {
      out[k] = &params[j].value;
    }
  }
  if (!matches) throw std::logic_error(describeFailure(describeMismatch(statement, params), "", sql));
}

StatementCache::Entry& StatementCache::get(std::string_view sql, std::string& dropped) {
  if (auto it = entries_.find(sql); it != entries_.end()) {
    it->second.lastUse = ++useClock_;
    return it->second;
  }
  if (entries_.size() >= capacity_) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->second.lastUse < oldest->second.lastUse) oldest = it;
    dropped = std::move(oldest->second.preparedName);
    entries_.erase(oldest);
  }
  Entry entry{toPositional(sql, style_), {}, ++useClock_};
  return entries_.emplace(std::string(sql), std::move(entry)).first->second;
}

std::size_t StatementCache::forgetPrepared() {
  std::size_t forgotten = 0;
  for (auto& [sql, entry] : entries_) {
    if (entry.preparedName.empty()) continue;
    entry.preparedName.clear();
    ++forgotten;
  }
  return forgotten;
}

}  // namespace agape::kernel
