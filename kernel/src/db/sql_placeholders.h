#pragma once
// Named placeholders (":id") are the one parameter syntax of the SDK, bound
// by name. Each connection rewrites a statement's text to the backend's
// positional form once, where every distinct name is one parameter (":now"
// twice is "$2" twice), keeps that with the list of names, and on each call
// only matches the call's values to those names.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agape/db.h"

namespace agape::kernel {

enum class PlaceholderStyle {
  Question,  // SQLite: ?1, ?2 ...
  Dollar,    // PostgreSQL: $1, $2 ...
};

struct PositionalSql {
  std::string sql;
  // Parameter i + 1's name, without the ':'; each name once, in the order
  // of first appearance.
  std::vector<std::string> names;
};

// Skips string literals, quoted identifiers, comments, PostgreSQL
// dollar-quoted bodies and `::` casts; ":name" starts with a letter or _.
PositionalSql toPositional(std::string_view sql, PlaceholderStyle style);

// Puts in `out` the value for each of `statement.names`, in that order,
// taken from `params` (out's storage is reused from call to call). Throws
// std::logic_error naming the names of `sql` that have no value, the values
// whose name is not in `sql` and the names given twice: a call that does
// not match its statement is a bug in the caller.
void bindByName(const PositionalSql& statement, const Params& params, std::string_view sql,
                std::vector<const Value*>& out);

// A connection's statements by SQL text, each parsed once; past `capacity`
// (texts with generated IN lists vary) the least recently used is dropped.
class StatementCache {
 public:
  struct Entry {
    PositionalSql positional;
    std::string preparedName;  // PostgreSQL: the server-side statement, once prepared
    unsigned long long lastUse = 0;
  };

  StatementCache(PlaceholderStyle style, std::size_t capacity) : style_(style), capacity_(capacity) {}

  // The entry for `sql`, parsed on first use. When that drops another entry
  // which was prepared, its prepared name is put in `dropped`, for the
  // caller to free on the server.
  Entry& get(std::string_view sql, std::string& dropped);
  // After a new session or DEALLOCATE ALL: nothing is prepared any more.
  // Returns how many entries were prepared.
  std::size_t forgetPrepared();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  PlaceholderStyle style_;
  std::size_t capacity_;
  unsigned long long useClock_ = 0;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace agape::kernel
