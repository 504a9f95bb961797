#include "db/db_errors.h"

#include <algorithm>

#include <cctype>

namespace agape::kernel {

bool databaseUnavailable(const std::exception& e) {
  auto* db = dynamic_cast<const DbError*>(&e);
  return db && db->kind() == DbError::Kind::Unavailable;
}

std::chrono::milliseconds nextOutagePause(std::chrono::milliseconds pause) {
  constexpr std::chrono::milliseconds kFirst{250}, kMax{1000};
  return pause.count() == 0 ? kFirst : std::min(kMax, pause * 2);
}
namespace {

// SQLite result codes, spelled out so that this file needs no sqlite3.h.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;
constexpr int kSqliteConstraintCheck = 275;
constexpr int kSqliteConstraintForeignKey = 787;
constexpr int kSqliteConstraintPrimaryKey = 1555;
constexpr int kSqliteConstraintUnique = 2067;

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

DbError::Kind kindForSqlState(std::string_view s) {
  using K = DbError::Kind;
  if (s == "23505") return K::UniqueViolation;
  if (s == "23503") return K::ForeignKeyViolation;
  if (s == "23514") return K::CheckViolation;
  if (s == "40001" || s == "40P01") return K::Retryable;
  // 08: connection exceptions; 57P01-03: the server is shutting down or
  // starting; 53: insufficient resources (disk full, out of memory, too
  // many connections); 58030: I/O error; 55P03 and 57014: a lock or
  // statement timeout, so that a held lock answers "try again", not 500.
  if (s.substr(0, 2) == "08" || s.substr(0, 2) == "53" || s == "57P01" || s == "57P02" || s == "57P03" ||
      s == "58030" || s == "55P03" || s == "57014")
    return K::Unavailable;
  return K::Other;
}

bool isStorageSqlState(std::string_view s) { return s == "53100" || s == "58030"; }

bool isStorageSqliteCode(int code) {
  const int primary = code & 0xff;
  return primary == kSqliteFull || primary == kSqliteIoErr || primary == kSqliteReadOnly;
}

DbError::Kind kindForSqliteCode(int code) {
  using K = DbError::Kind;
  switch (code) {
    case kSqliteConstraintUnique:
    case kSqliteConstraintPrimaryKey: return K::UniqueViolation;
    case kSqliteConstraintForeignKey: return K::ForeignKeyViolation;
    case kSqliteConstraintCheck: return K::CheckViolation;
    default: break;
  }
  switch (code & 0xff) {
    case kSqliteBusy:
    case kSqliteLocked: return K::Retryable;
    case kSqliteReadOnly:
    case kSqliteIoErr:
    case kSqliteFull:
    case kSqliteCantOpen:
    case kSqliteNotADb: return K::Unavailable;
    default: return K::Other;
  }
}

std::string scrubParams(std::string message, const Params& params) {
  for (const Param& p : params) {
    if (p.value.isNull()) continue;
    const std::string v = p.value.asString();
    if (v.empty()) continue;
    replaceAll(message, "\"" + v + "\"", "\"***\"");
    replaceAll(message, "'" + v + "'", "'***'");
    replaceAll(message, "(" + v + ")", "(***)");
    if (v.size() >= 6) replaceAll(message, v, "***");
  }
  return message;
}

std::string describeFailure(std::string_view message, std::string_view code, std::string_view sql) {
  constexpr std::size_t kMaxSql = 160;
  std::string oneLine;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !oneLine.empty();
      continue;
    }
    if (space) oneLine += ' ';
    space = false;
    oneLine += c;
    if (oneLine.size() >= kMaxSql) {
      oneLine += "...";
      break;
    }
  }
  std::string out(message);
  if (!code.empty()) out.append(" (").append(code).append(")");
  if (!oneLine.empty()) out.append(" in: ").append(oneLine);
  return out;
}

}  // namespace agape::kernel
