#include "db/db_url.h"

#include <memory>

#ifdef AGAPE_WITH_PG
#include <libpq-fe.h>
#endif

namespace agape::kernel {
namespace {

bool startsWith(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Replaces the value of every `password=` query parameter with ***.
std::string redactQueryPasswords(std::string url) {
  auto q = url.find('?');
  if (q == std::string::npos) return url;
  std::size_t pos = q + 1;
  while (pos < url.size()) {
    auto end = url.find('&', pos);
    if (end == std::string::npos) end = url.size();
    if (url.compare(pos, 9, "password=") == 0) {
      url.replace(pos + 9, end - pos - 9, "***");
      end = pos + 9 + 3;
    }
    pos = end + 1;
  }
  return url;
}

#ifdef AGAPE_WITH_PG
// libpq keyword=value quoting: single quotes, with \ and ' escaped.
void appendQuoted(std::string& out, const char* value) {
  out += '\'';
  for (const char* p = value; *p; ++p) {
    if (*p == '\\' || *p == '\'') out += '\\';
    out += *p;
  }
  out += '\'';
}

DbUrl parsePostgres(const std::string& url, const std::string& redacted) {
  char* err = nullptr;
  // libpq parses URIs itself (percent-decoding, query parameters); reusing it
  // keeps us exactly compatible with what psql accepts.
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> opts(PQconninfoParse(url.c_str(), &err),
                                                                       PQconninfoFree);
  if (!opts) {
    std::string why = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw DbError(DbError::Kind::Unavailable, "invalid PostgreSQL URL " + redacted + ": " + why);
  }
  DbUrl out;
  out.dialect = Dialect::Postgres;
  out.redacted = redacted;
  for (PQconninfoOption* o = opts.get(); o->keyword; ++o) {
    if (!o->val) continue;
    if (std::string_view(o->keyword) == "password") out.password = o->val;
    if (!out.conninfo.empty()) out.conninfo += ' ';
    out.conninfo += o->keyword;
    out.conninfo += '=';
    appendQuoted(out.conninfo, o->val);
  }
  return out;
}
#endif

}  // namespace

std::string redactDbUrl(const std::string& url) {
  std::string out = redactQueryPasswords(url);
  auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  auto authStart = scheme + 3;
  auto authEnd = out.find_first_of("/?", authStart);
  if (authEnd == std::string::npos) authEnd = out.size();
  auto at = out.rfind('@', authEnd - 1);
  if (at == std::string::npos || at < authStart) return out;
  auto colon = out.find(':', authStart);
  if (colon == std::string::npos || colon > at) return out;
  out.replace(colon + 1, at - colon - 1, "***");
  return out;
}

DbUrl parseDbUrl(const std::string& url) {
  const std::string redacted = redactDbUrl(url);
  if (startsWith(url, "sqlite://")) {
    DbUrl out;
    out.dialect = Dialect::Sqlite;
    out.redacted = redacted;
    // sqlite:///abs/x.db keeps its leading slash; sqlite://rel/x.db is relative.
    out.sqlitePath = url.substr(9);
    if (out.sqlitePath.empty() || out.sqlitePath == "/")
      throw DbError(DbError::Kind::Unavailable, "database URL " + redacted + " names no file");
    if (out.sqlitePath.find(":memory:") != std::string::npos)
      throw DbError(DbError::Kind::Unavailable,
                    "database URL " + redacted + ": in-memory SQLite cannot be shared by a connection pool");
    return out;
  }
  if (startsWith(url, "postgresql://") || startsWith(url, "postgres://")) {
#ifdef AGAPE_WITH_PG
    return parsePostgres(url, redacted);
#else
    throw DbError(DbError::Kind::Unavailable, "database URL " + redacted + ": built without PostgreSQL support");
#endif
  }
  throw DbError(DbError::Kind::Unavailable,
                "unsupported database URL " + redacted + " (expected sqlite://... or postgresql://...)");
}

}  // namespace agape::kernel
