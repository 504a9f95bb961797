// PostgreSQL connections through SOCI. Parameters are sent as untyped text
// (as SOCI does), so the server infers each one's type from its context:
// where there is none (SELECT :x), write CAST(:x AS BIGINT).
#ifdef AGAPE_WITH_PG
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <libpq-fe.h>

#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <typeinfo>

#include "db/connection.h"
#include "db/db_errors.h"
#include "db/sql_placeholders.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

std::string firstLine(std::string_view s) {
  auto eol = s.find('\n');
  std::string out(s.substr(0, eol));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
  return out;
}

// SOCI prefixes libpq's text ("Cannot execute query. Fatal error. ERROR:  ...
// \nDETAIL: Key (email)=(...)"). Keep the primary message only: the DETAIL
// line echoes row values.
std::string primaryMessage(std::string_view sociMessage) {
  for (std::string_view marker : {"ERROR:  ", "FATAL:  "}) {
    auto pos = sociMessage.find(marker);
    if (pos != std::string_view::npos) return firstLine(sociMessage.substr(pos + marker.size()));
  }
  constexpr std::string_view kPrefix = "Cannot execute query. Fatal error. ";
  if (sociMessage.substr(0, kPrefix.size()) == kPrefix) sociMessage.remove_prefix(kPrefix.size());
  return firstLine(sociMessage);
}

std::string oneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\t' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool validSqlState(const std::string& s) {
  if (s.size() != 5) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

std::string formatTm(const std::tm& t) {
  char buf[64];  // room for any int the compiler cannot rule out
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::string formatDouble(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

void logNotice(void*, const char* message) {
  static JsonLogger log("db");
  log.warn("postgresql notice", {{"notice", oneLine(message)}});
}

// SOCI's shared libraries export no RTTI for their backend classes, so
// UBSan's vptr check, which needs it, cannot link; this downcast is exact.
__attribute__((no_sanitize("vptr"))) PGconn* nativeHandle(soci::session& session) {
  return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

class PgConnection final : public Connection {
 public:
  PgConnection(std::string conninfo, std::string redactedUrl, std::string password)
      : conninfo_(std::move(conninfo)), redactedUrl_(std::move(redactedUrl)), password_(std::move(password)) {
    try {
      session_ = std::make_unique<soci::session>(soci::postgresql, conninfo_);
    } catch (const soci::soci_error& e) {
      throw unavailable(e.get_error_message());
    }
    setUp();
  }

  Dialect dialect() const override { return Dialect::Postgres; }

  // The server default (READ COMMITTED) applies; a callback may still run
  // SET TRANSACTION ISOLATION LEVEL as its first statement.
  void begin(bool readOnly) override { command(readOnly ? "BEGIN READ ONLY" : "BEGIN"); }

  void commit() override {
    // COMMIT of a transaction that had a failed statement succeeds as a
    // silent ROLLBACK; a callback that swallowed a DbError must not believe
    // its work was saved.
    if (PQtransactionStatus(conn()) == PQTRANS_INERROR) {
      command("ROLLBACK");
      throw DbError(DbError::Kind::Other,
                    "transaction rolled back: a statement in it failed earlier (the error was caught, but "
                    "PostgreSQL cannot continue the transaction)");
    }
    command("COMMIT");
  }

  void rollback() override {
    if (PQstatus(conn()) != CONNECTION_OK || PQtransactionStatus(conn()) == PQTRANS_IDLE) return;
    command("ROLLBACK");
  }

  long long exec(std::string_view sql, const Params& params) override {
    long long affected = 0;
    run(sql, params, nullptr, &affected);
    return affected;
  }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    run(sql, params, &rows, nullptr);
    return rows;
  }

  void execScript(std::string_view sql) override { command(std::string(sql)); }

  bool healthy() const override {
    return PQstatus(conn()) == CONNECTION_OK && PQtransactionStatus(conn()) == PQTRANS_IDLE;
  }

  void reconnect() override {
    try {
      session_->reconnect();
    } catch (const soci::soci_error& e) {
      throw unavailable(e.get_error_message());
    }
    setUp();
  }

 private:
  PGconn* conn() const { return nativeHandle(*session_); }

  void setUp() {
    PQsetNoticeProcessor(conn(), logNotice, nullptr);
    command("SET client_min_messages = warning");
    // timestamptz values are then read back as UTC, matching the "Z" we print.
    command("SET TIME ZONE 'UTC'");
  }

  DbError unavailable(std::string_view why) const {
    std::string reason = oneLine(why);
    if (!password_.empty()) {
      for (auto pos = reason.find(password_); pos != std::string::npos; pos = reason.find(password_, pos))
        reason.replace(pos, password_.size(), "***");
    }
    return DbError(DbError::Kind::Unavailable, "cannot connect to PostgreSQL at " + redactedUrl_ + ": " + reason);
  }

  // Statements without parameters or results, straight through libpq. The
  // simple query protocol accepts several statements in one string.
  void command(const std::string& sql) {
    ResultPtr res(PQexec(conn(), sql.c_str()), PQclear);
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
    const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    fail(state ? state : "", primary ? std::string(primary) : primaryMessage(PQerrorMessage(conn())), sql, {});
  }

  void run(std::string_view sql, const Params& params, std::vector<Row>* rows, long long* affected) {
    const PositionalSql positional = toPositional(sql, PlaceholderStyle::Renamed);
    if (positional.count != params.size())
      throw DbError(DbError::Kind::Other,
                    describeFailure("statement has " + std::to_string(positional.count) + " placeholders but " +
                                        std::to_string(params.size()) + " parameters were given",
                                    "", sql));
    // SOCI keeps pointers to these until the statement is done.
    std::vector<std::string> texts(params.size());
    std::vector<soci::indicator> indicators(params.size(), soci::i_ok);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& s = params[i].storage();
      if (std::holds_alternative<std::monostate>(s))
        indicators[i] = soci::i_null;
      else if (auto* d = std::get_if<double>(&s))
        texts[i] = formatDouble(*d);
      else
        texts[i] = params[i].asString();
    }
    try {
      soci::statement st(*session_);
      for (std::size_t i = 0; i < params.size(); ++i) st.exchange(soci::use(texts[i], indicators[i]));
      soci::row row;
      if (rows) st.exchange(soci::into(row));
      st.alloc();
      st.prepare(positional.sql, soci::details::st_one_time_query);
      st.define_and_bind();
      bool got = st.execute(true);
      if (affected) *affected = std::max(0LL, st.get_affected_rows());
      if (!rows) return;
      std::shared_ptr<const std::vector<std::string>> columns;
      while (got) {
        if (!columns) columns = columnNames(row);
        rows->emplace_back(columns, values(row));
        got = st.fetch();
      }
    } catch (const soci::postgresql_soci_error& e) {
      const std::string state = e.sqlstate();
      fail(validSqlState(state) ? state : "", primaryMessage(e.get_error_message()), sql, params);
    } catch (const soci::soci_error& e) {
      fail("", primaryMessage(e.get_error_message()), sql, params);
    } catch (const std::bad_cast&) {
      throw DbError(DbError::Kind::Other, describeFailure("a result column has a type that cannot be read", "", sql));
    }
  }

  static std::shared_ptr<const std::vector<std::string>> columnNames(const soci::row& row) {
    auto names = std::make_shared<std::vector<std::string>>();
    names->reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) names->push_back(row.get_properties(i).get_name());
    return names;
  }

  // SOCI needs the exact C++ type of each column; agape::Value wants 64-bit
  // integers whatever the column's width.
  static std::vector<Value> values(const soci::row& row) {
    std::vector<Value> out;
    out.reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row.get_indicator(i) == soci::i_null) {
        out.emplace_back();
        continue;
      }
      switch (row.get_properties(i).get_data_type()) {
        case soci::dt_integer: out.emplace_back(static_cast<long long>(row.get<int>(i))); break;
        case soci::dt_long_long: out.emplace_back(row.get<long long>(i)); break;
        case soci::dt_unsigned_long_long: {
          const unsigned long long u = row.get<unsigned long long>(i);
          if (u <= static_cast<unsigned long long>(LLONG_MAX))
            out.emplace_back(static_cast<long long>(u));
          else
            out.emplace_back(std::to_string(u));
          break;
        }
        case soci::dt_double: out.emplace_back(row.get<double>(i)); break;
        case soci::dt_date: out.emplace_back(formatTm(row.get<std::tm>(i))); break;
        default: out.emplace_back(row.get<std::string>(i)); break;
      }
    }
    return out;
  }

  [[noreturn]] void fail(const std::string& sqlstate, const std::string& message, std::string_view sql,
                         const Params& params) {
    // A dropped connection may come with no SQLSTATE, or with the server's
    // shutdown code; either way the connection is gone.
    DbError::Kind kind = PQstatus(conn()) == CONNECTION_OK ? kindForSqlState(sqlstate) : DbError::Kind::Unavailable;
    throw DbError(kind, describeFailure(scrubParams(message, params), sqlstate, sql));
  }

  std::string conninfo_;
  std::string redactedUrl_;
  std::string password_;
  std::unique_ptr<soci::session> session_;
};

}  // namespace

std::unique_ptr<Connection> openPgConnection(const std::string& conninfo, const std::string& redactedUrl,
                                             const std::string& password) {
  return std::make_unique<PgConnection>(conninfo, redactedUrl, password);
}

}  // namespace agape::kernel
#endif
