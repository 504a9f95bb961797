// PostgreSQL connections, straight on libpq: each connection owns its PGconn
// and keeps its queries prepared on the server (parsed and, once PostgreSQL
// settles on a generic plan, planned once). Parameters are sent as untyped
// text, so the server infers each one's type from its context: where there
// is none (SELECT :x), write CAST(:x AS BIGINT).
//
// A connection whose (re)connect failed is closed: it holds no handle, and
// every method checks for that, so a database that went away can only ever
// produce DbError(Unavailable), never a dangling pointer.
//
// Every round trip has a deadline. libpq waits for an answer for ever, and
// TCP keeps a connection alive as long as something acknowledges its
// packets (a stalled pooler or proxy, a frozen server), so the socket is
// non-blocking and each wait for a result is a poll(2) bounded by the
// statement's own limit plus database.tcpUserTimeout. A connection that
// misses it is closed as dead: the transaction fails with
// DbError(Unavailable), as in any outage.
#ifdef AGAPE_WITH_PG
#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <climits>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "db/db_errors.h"
#include "db/round_trips.h"
#include "db/sql_placeholders.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;
using ConnPtr = std::unique_ptr<PGconn, void (*)(PGconn*)>;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string firstLine(std::string_view s) {
  auto eol = s.find('\n');
  std::string out(s.substr(0, eol));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
  return out;
}

// libpq's connection-level text ("ERROR:  ...\nDETAIL: Key (email)=(...)"):
// the primary message only, as the DETAIL line echoes row values.
std::string primaryMessage(std::string_view message) {
  for (std::string_view marker : {"ERROR:  ", "FATAL:  "}) {
    auto pos = message.find(marker);
    if (pos != std::string_view::npos) return firstLine(message.substr(pos + marker.size()));
  }
  return firstLine(message);
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

// "2025-01-01 12:00:00.123+00" (timestamptz in the session's UTC),
// "2025-01-01 12:00:00" or "2025-01-01" → "2025-01-01T12:00:00Z": whole
// seconds, as every date in the API is printed.
std::string formatTimestamp(std::string_view text) {
  if (text.size() < 10) return std::string(text);
  std::string out(text.substr(0, 10));
  out += 'T';
  out += text.size() >= 19 ? text.substr(11, 8) : std::string_view("00:00:00");
  out += 'Z';
  return out;
}

std::string formatDouble(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

JsonLogger& dbLog() {
  static JsonLogger log("db");
  return log;
}

void logNotice(void*, const char* message) { dbLog().warn("postgresql notice", {{"notice", oneLine(message)}}); }

// libpq takes whole seconds and treats anything below 2 as 2.
std::string connectTimeoutSeconds(std::chrono::milliseconds timeout) {
  return std::to_string(std::max<long long>(2, (timeout.count() + 999) / 1000));
}

std::string wholeSeconds(std::chrono::milliseconds d) {
  return std::to_string(std::max<long long>(1, (d.count() + 999) / 1000));
}

// Keywords the kernel sets before the URL's: the URL's come later and win.
// TCP keep-alives find a database host that vanished without a reset (a
// dead machine, a dropped route) while a connection is idle;
// tcp_user_timeout ends one whose sent data goes unacknowledged.
std::string kernelConninfo(const PgSettings& s) {
  return "connect_timeout=" + connectTimeoutSeconds(s.connectTimeout) +
         " keepalives=1 keepalives_idle=" + wholeSeconds(s.keepalivesIdle) +
         " keepalives_interval=" + wholeSeconds(s.keepalivesInterval) +
         " keepalives_count=" + std::to_string(s.keepalivesCount) +
         " tcp_user_timeout=" + std::to_string(s.tcpUserTimeout.count()) + " ";
}

// Sent once per (re)connect in one round trip; the timeouts as session
// defaults cost nothing per transaction. Integers are milliseconds; 0 is
// no limit.
std::string sessionSetUp(const PgSettings& s) {
  return "SET client_min_messages = warning; "
         // timestamptz values are then read back as UTC, matching the "Z" we print.
         "SET TIME ZONE 'UTC'; "
         "SET lock_timeout = " + std::to_string(s.lockTimeout.count()) + "; "
         "SET statement_timeout = " + std::to_string(s.statementTimeout.count());
}

// Type OIDs from pg_type.h (stable across releases).
enum : Oid { kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
             kDate = 1082, kTimestamp = 1114, kTimestampTz = 1184, kNumeric = 1700 };

// A column value as agape::Value: integers as 64-bit, booleans as 1/0,
// floating and numeric as double, dates as RFC 3339 UTC text, the rest
// (text, json, uuid, arrays...) as the server's text.
Value columnValue(const char* text, int length, Oid type) {
  switch (type) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: return Value(std::strtoll(text, nullptr, 10));
    case kBool: return Value(static_cast<long long>(text[0] == 't'));
    case kFloat4:
    case kFloat8:
    case kNumeric: return Value(std::strtod(text, nullptr));
    case kDate:
    case kTimestamp:
    case kTimestampTz: return Value(formatTimestamp(std::string_view(text, static_cast<std::size_t>(length))));
    default: return Value(std::string(text, static_cast<std::size_t>(length)));
  }
}

// Statements worth keeping prepared: queries and data changes. Anything
// else (SET, LOCK, DDL) runs as an unnamed statement.
bool preparable(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '('))
    ++i;
  auto startsWith = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
      if ((sql[i + k] | 0x20) != word[k]) return false;
    return true;
  };
  for (std::string_view w : {"select", "insert", "update", "delete", "with", "values"})
    if (startsWith(w)) return true;
  return false;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const PgSettings& settings)
      : conninfo_(kernelConninfo(settings) + settings.conninfo),
        redactedUrl_(settings.redactedUrl),
        password_(settings.password),
        setUpSql_(sessionSetUp(settings)),
        prepare_(settings.preparedStatements),
        statementTimeout_(settings.statementTimeout),
        networkGrace_(settings.tcpUserTimeout) {
    connect();
  }

  Dialect dialect() const override { return Dialect::Postgres; }

  // The server default (READ COMMITTED) applies; a callback may still run
  // SET TRANSACTION ISOLATION LEVEL as its first statement. BEGIN is sent
  // with the transaction's first statement, in one round trip, unless the
  // transaction has its own statement timeout (rare: exports), which is set
  // at once for this transaction only.
  void begin(bool readOnly, std::chrono::milliseconds statementTimeout) override {
    requireOpen();
    beginFailed_ = false;
    txStatementTimeout_ = std::max(milliseconds(0), statementTimeout);
    const std::string beginSql = readOnly ? "BEGIN READ ONLY" : "BEGIN";
    if (statementTimeout.count() <= 0) {
      pendingBegin_ = beginSql;
      return;
    }
    pendingBegin_.clear();
    command(beginSql + "; SET LOCAL statement_timeout = " + std::to_string(statementTimeout.count()));
  }

  void commit() override {
    requireOpen();
    struct EndOfTx {
      milliseconds& timeout;
      ~EndOfTx() { timeout = milliseconds(0); }
    } end{txStatementTimeout_};
    if (!pendingBegin_.empty() && deferred_.empty()) {  // nothing ran: nothing to commit
      pendingBegin_.clear();
      return;
    }
    if (beginFailed_) {
      beginFailed_ = false;
      throw DbError(DbError::Kind::Other, "transaction not committed: it could not be started");
    }
    // COMMIT of a transaction that had a failed statement succeeds as a
    // silent ROLLBACK; a callback that swallowed a DbError must not believe
    // its work was saved.
    if (PQtransactionStatus(conn()) == PQTRANS_INERROR) {
      deferred_.clear();
      command("ROLLBACK");
      throw DbError(DbError::Kind::Other,
                    "transaction rolled back: a statement in it failed earlier (the error was caught, but "
                    "PostgreSQL cannot continue the transaction)");
    }
    // Only later writes: they go with BEGIN (a pipeline that may be sent
    // again on a new connection), the COMMIT after (one that may not).
    if (!deferred_.empty() && !pendingBegin_.empty()) sendPending();
    if (!deferred_.empty()) {  // the writes not sent yet go with the COMMIT
      Step last{.sql = "COMMIT", .params = &kNoParams};
      pipeline(last);
      return;
    }
    command("COMMIT");
  }

  void rollback() override {
    pendingBegin_.clear();
    deferred_.clear();
    beginFailed_ = false;
    if (!conn_ || PQstatus(conn()) != CONNECTION_OK || PQtransactionStatus(conn()) == PQTRANS_IDLE) {
      txStatementTimeout_ = milliseconds(0);
      return;
    }
    command("ROLLBACK");
    txStatementTimeout_ = milliseconds(0);
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

  void execLater(std::string_view sql, const Params& params) override {
    requireOpen();
    // A call that does not match its statement throws here, at the caller.
    bindByName(entryFor(sql).positional, params, sql, bound_);
    deferred_.push_back({std::string(sql), params});
    if (deferred_.size() >= kMaxDeferred) sendPending();
  }

  void execScript(std::string_view sql) override {
    requireOpen();
    if (!pendingBegin_.empty() || !deferred_.empty()) sendPending();
    command(std::string(sql));
    // A script may change tables: plans prepared before it are re-made by
    // the server, but a changed result shape is an error, so start afresh.
    forgetPrepared();
  }

  bool healthy() const override {
    return conn_ && PQstatus(conn()) == CONNECTION_OK && PQtransactionStatus(conn()) == PQTRANS_IDLE;
  }

  void reconnect() override { connect(); }

  // Nothing to run, so no statement time: only the network's grace.
  void ping() override {
    requireOpen();
    ResultPtr res = roundTrip([](PGconn* c) { return PQsendQuery(c, "SELECT 1"); }, networkGrace_);
    if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) failWith(res.get(), "SELECT 1", {});
  }

 private:
  // Statements kept (parsed, and prepared when preparable) per connection,
  // least recently used dropped past this many (statement texts with
  // generated IN lists vary).
  static constexpr std::size_t kMaxPrepared = 256;
  // Deferred writes held at most (far fewer than kMaxPrepared, so a
  // pipeline's statements never drop each other from the cache).
  static constexpr std::size_t kMaxDeferred = 64;
  static inline const Params kNoParams{};

  PGconn* conn() const { return conn_.get(); }

  // Replaces the connection with a new one, or leaves it closed and throws.
  void connect() {
    conn_.reset();
    statements_.forgetPrepared();  // a new server session has none of them
    pendingBegin_.clear();
    deferred_.clear();
    beginFailed_ = false;
    txStatementTimeout_ = milliseconds(0);
    ConnPtr fresh(PQconnectdb(conninfo_.c_str()), PQfinish);
    if (!fresh) throw unavailable("out of memory");
    if (PQstatus(fresh.get()) != CONNECTION_OK) throw unavailable(primaryMessage(PQerrorMessage(fresh.get())));
    if (PQsetnonblocking(fresh.get(), 1) != 0) throw unavailable(primaryMessage(PQerrorMessage(fresh.get())));
    PQsetNoticeProcessor(fresh.get(), logNotice, nullptr);
    conn_ = std::move(fresh);
    try {
      command(setUpSql_, networkGrace_);  // SETs: no statement time
    } catch (const DbError& e) {
      conn_.reset();
      throw unavailable(e.what());
    }
  }

  void requireOpen() const {
    if (!conn_)
      throw DbError(DbError::Kind::Unavailable,
                    "no connection to PostgreSQL at " + redactedUrl_ + ": the last attempt to connect failed");
  }

  DbError unavailable(std::string_view why) const {
    std::string reason = oneLine(why);
    if (!password_.empty()) {
      for (auto pos = reason.find(password_); pos != std::string::npos; pos = reason.find(password_, pos))
        reason.replace(pos, password_.size(), "***");
    }
    return DbError(DbError::Kind::Unavailable, "cannot connect to PostgreSQL at " + redactedUrl_ + ": " + reason);
  }

  // How long a round trip may go without an answer: the statement's own
  // limit, which PostgreSQL enforces and reports, plus the network's grace;
  // no limit (0) when statements have none.
  milliseconds answerWithin() const {
    const milliseconds limit = txStatementTimeout_.count() > 0 ? txStatementTimeout_ : statementTimeout_;
    return limit.count() > 0 ? limit + networkGrace_ : milliseconds(0);
  }

  // Sends what libpq holds and waits until PQgetResult will not block, for
  // at most `within` (0: no limit); past it the connection is given up.
  void awaitResult(milliseconds within) {
    PGconn* c = conn();
    const auto deadline = Steady::now() + within;
    for (;;) {
      const int flushed = PQflush(c);
      if (flushed < 0 || PQsocket(c) < 0) return;  // the result reports the failure
      if (flushed == 0 && !PQisBusy(c)) return;
      int timeout = -1;
      if (within.count() > 0) {
        const long long left = std::chrono::ceil<milliseconds>(deadline - Steady::now()).count();
        if (left <= 0) giveUp(within);
        timeout = static_cast<int>(std::min<long long>(left, INT_MAX));
      }
      pollfd p{PQsocket(c), static_cast<short>(POLLIN | (flushed == 1 ? POLLOUT : 0)), 0};
      const int ready = ::poll(&p, 1, timeout);
      if (ready < 0 && errno != EINTR) return;
      if (ready > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)) && PQconsumeInput(c) == 0) return;
    }
  }

  // Forgets a connection that cannot be used any more; the next use
  // connects afresh.
  void closeBroken() {
    conn_.reset();
    statements_.forgetPrepared();
    pendingBegin_.clear();
    deferred_.clear();
    beginFailed_ = false;
    txStatementTimeout_ = milliseconds(0);
  }

  // The server did not answer in time: the connection is closed, as if the
  // server had dropped it.
  [[noreturn]] void giveUp(milliseconds waited) {
    closeBroken();
    throw DbError(DbError::Kind::Unavailable, "PostgreSQL at " + redactedUrl_ + " did not answer within " +
                                                  std::to_string(waited.count()) +
                                                  " ms; the connection was closed");
  }

  ResultPtr nextResult(milliseconds within) {
    awaitResult(within);
    return ResultPtr(PQgetResult(conn()), PQclear);
  }

  // Sends one command with `send` (a PQsend* call) and reads its results:
  // the first failure, else the last result; nullptr when it could not be
  // sent (PQerrorMessage says why). Each result may take `within`.
  template <class Send>
  ResultPtr roundTrip(Send send, milliseconds within) {
    if (send(conn()) != 1) return ResultPtr(nullptr, PQclear);
    ++tDbRoundTrips;
    ResultPtr kept(nullptr, PQclear);
    for (ResultPtr r = nextResult(within); r; r = nextResult(within)) {
      const bool keptFailed = kept && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR;
      if (!keptFailed) kept = std::move(r);
    }
    return kept;
  }

  // Statements without parameters or results. The simple query protocol
  // accepts several statements in one string (each has its own limit).
  void command(const std::string& sql) { command(sql, answerWithin()); }
  void command(const std::string& sql, milliseconds within) {
    requireOpen();
    ResultPtr res = roundTrip([&](PGconn* c) { return PQsendQuery(c, sql.c_str()); }, within);
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
    failWith(res.get(), sql, {});
  }

  // A command whose failure changes nothing (DEALLOCATE): ignored, unless
  // the connection died on it.
  void bestEffort(const std::string& sql) {
    roundTrip([&](PGconn* c) { return PQsendQuery(c, sql.c_str()); }, answerWithin());
  }

  // A name for a statement about to be prepared; names are never reused.
  std::string newStatementName() { return "agape_" + std::to_string(++statementSerial_); }

  // The server-side name of `statement`, prepared on first use.
  const std::string& preparedName(StatementCache::Entry& statement, int paramCount, std::string_view original,
                                  const Params& params) {
    if (!statement.preparedName.empty()) return statement.preparedName;
    std::string name = newStatementName();
    ResultPtr res = roundTrip(
        [&](PGconn* c) {
          return PQsendPrepare(c, name.c_str(), statement.positional.sql.c_str(), paramCount, nullptr);
        },
        answerWithin());
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) failWith(res.get(), original, params);
    statement.preparedName = std::move(name);
    return statement.preparedName;
  }

  // A statement dropped from the cache. DEALLOCATE is refused inside a
  // failed transaction; the name is then only forgotten (it is never
  // reused) and freed with the session.
  void deallocate(const std::string& name) {
    if (PQtransactionStatus(conn()) != PQTRANS_INERROR) bestEffort("DEALLOCATE " + name);
  }

  void forgetPrepared() {
    if (statements_.forgetPrepared() == 0) return;
    if (PQtransactionStatus(conn()) != PQTRANS_INERROR) bestEffort("DEALLOCATE ALL");
  }

  // `params` bound to `statement`'s parameters as libpq takes them: texts,
  // NULL as nullptr. A string value is pointed at, not copied (the caller's
  // Params outlive the send); numbers are formatted into `texts`.
  void bindValues(const StatementCache::Entry& statement, const Params& params, std::string_view sql,
                  std::vector<std::string>& texts, std::vector<const char*>& values) {
    bindByName(statement.positional, params, sql, bound_);
    const std::size_t count = bound_.size();
    if (texts.size() < count) texts.resize(count);
    values.assign(count, nullptr);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& s = bound_[i]->storage();
      if (std::holds_alternative<std::monostate>(s)) continue;
      if (auto* t = std::get_if<std::string>(&s)) {
        values[i] = t->c_str();
        continue;
      }
      if (auto* d = std::get_if<double>(&s))
        texts[i] = formatDouble(*d);
      else
        texts[i] = bound_[i]->asString();
      values[i] = texts[i].c_str();
    }
  }

  StatementCache::Entry& entryFor(std::string_view sql) {
    std::string dropped;
    StatementCache::Entry& statement = statements_.get(sql, dropped);
    if (!dropped.empty()) deallocate(dropped);
    return statement;
  }

  void run(std::string_view sql, const Params& params, std::vector<Row>* rows, long long* affected) {
    requireOpen();
    StatementCache::Entry& statement = entryFor(sql);
    // A statement to prepare is prepared in the same pipeline.
    const bool toPrepare =
        prepare_ && statement.preparedName.empty() && preparable(statement.positional.sql);
    if (!pendingBegin_.empty() || !deferred_.empty() || toPrepare) {
      // Parameters checked before anything is sent, as below.
      bindByName(statement.positional, params, sql, bound_);
      if (beginFailed_)
        throw DbError(DbError::Kind::Other, describeFailure("the transaction could not be started", "", sql));
      Step last{.statement = &statement, .sql = sql, .params = &params};
      ResultPtr res = pipeline(last);
      readResult(res.get(), rows, affected);
      return;
    }
    bindValues(statement, params, sql, texts_, values_);
    const std::string& positional = statement.positional.sql;
    const int n = static_cast<int>(values_.size());
    const char* const* values = values_.data();
    if (beginFailed_)
      throw DbError(DbError::Kind::Other, describeFailure("the transaction could not be started", "", sql));
    const bool named = prepare_ && preparable(positional);
    ResultPtr res(nullptr, PQclear);
    auto execute = [&] {
      if (named) {
        const std::string& name = preparedName(statement, n, sql, params);
        res = roundTrip(
            [&](PGconn* c) {
              return PQsendQueryPrepared(c, name.c_str(), n, values, nullptr, nullptr, 0);
            },
            answerWithin());
      } else {
        res = roundTrip(
            [&](PGconn* c) {
              return PQsendQueryParams(c, positional.c_str(), n, nullptr, values, nullptr, nullptr, 0);
            },
            answerWithin());
      }
    };
    execute();
    if (planShapeChanged(res.get())) {
      // A table changed shape under this connection's prepared statement
      // (a migration by another instance): it is prepared afresh. Outside
      // a transaction at once; inside one, which the error has aborted, by
      // running the transaction again (no effect has escaped it).
      statement.preparedName.clear();
      if (PQtransactionStatus(conn()) != PQTRANS_IDLE)
        throw DbError(DbError::Kind::Retryable,
                      describeFailure("a prepared statement outlived a change to its tables", "0A000", sql));
      execute();
    }
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) failWith(res.get(), sql, params);
    readResult(res.get(), rows, affected);
  }

  static void readResult(PGresult* res, std::vector<Row>* rows, long long* affected) {
    if (affected) {
      const char* tuples = PQcmdTuples(res);
      *affected = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    }
    if (rows) readRows(res, *rows);
  }

  // The pending BEGIN and later writes sent now, with a statement that
  // reads nothing: one round trip.
  void sendPending() {
    Step last{.sql = "SELECT 1", .params = &kNoParams};
    pipeline(last);
  }

  // One command of a pipeline: a statement with its values, or a command
  // without parameters (BEGIN, COMMIT).
  struct Step {
    StatementCache::Entry* statement = nullptr;
    std::string_view sql;  // the caller's text, or the command
    const Params* params = nullptr;
    std::vector<std::string> texts;
    std::vector<const char*> values;
    std::string freshName;  // prepared in this pipeline under this name
  };

  // The pending BEGIN, the deferred writes and `last` (a statement, or
  // COMMIT) sent as one pipeline with one sync: one round trip. Throws for
  // the first that failed (each is reported with its own SQL); returns
  // last's result. A connection the server dropped is noticed here; when
  // BEGIN is in the pipeline and COMMIT is not, nothing of the transaction
  // can have been kept, so it is reopened and the pipeline sent once more.
  ResultPtr pipeline(Step& last) {
    const std::string beginSql = std::exchange(pendingBegin_, {});
    const std::vector<Deferred> writes = std::exchange(deferred_, {});
    std::vector<Step> steps;
    steps.reserve(writes.size() + 2);
    if (!beginSql.empty()) steps.push_back(Step{.sql = beginSql, .params = &kNoParams});
    // Every statement looked up before anything is sent (a lookup may drop
    // another one, which is deallocated by a round trip of its own).
    for (const Deferred& w : writes) steps.push_back(Step{.statement = &entryFor(w.sql), .sql = w.sql, .params = &w.params});
    steps.push_back(std::move(last));
    const bool hasBegin = !beginSql.empty();
    // Sent again on a new connection only when nothing can have been
    // committed: the transaction starts here and does not end here (a
    // COMMIT whose answer was lost may have been applied).
    const bool resendable = hasBegin && !(steps.back().statement == nullptr && steps.back().sql == "COMMIT");
    for (int attemptNo = 1;; ++attemptNo) {
      PGconn* c = conn();
      std::vector<std::pair<const StatementCache::Entry*, const std::string*>> preparedHere;
      int commands = 0;
      bool sent = PQenterPipelineMode(c) == 1;
      for (Step& s : steps) {
        if (!sent) break;
        ++commands;
        if (!s.statement) {
          const std::string command(s.sql);
          sent = PQsendQueryParams(c, command.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
          continue;
        }
        bindValues(*s.statement, *s.params, s.sql, s.texts, s.values);
        const std::string& positional = s.statement->positional.sql;
        const int n = static_cast<int>(s.values.size());
        const std::string* name = nullptr;
        s.freshName.clear();
        if (prepare_ && preparable(positional)) {
          if (!s.statement->preparedName.empty()) name = &s.statement->preparedName;
          for (const auto& [entry, earlier] : preparedHere)
            if (entry == s.statement) name = earlier;
          if (!name) {
            s.freshName = newStatementName();
            name = &s.freshName;
            preparedHere.emplace_back(s.statement, name);
            ++commands;
            sent = PQsendPrepare(c, name->c_str(), positional.c_str(), n, nullptr) == 1;
          }
        }
        sent = sent && (name ? PQsendQueryPrepared(c, name->c_str(), n, s.values.data(), nullptr, nullptr, 0)
                             : PQsendQueryParams(c, positional.c_str(), n, nullptr, s.values.data(), nullptr,
                                                 nullptr, 0)) == 1;
      }
      sent = sent && PQpipelineSync(c) == 1;
      ++tDbRoundTrips;
      const milliseconds within = answerWithin();
      std::vector<ResultPtr> results;
      if (sent) {
        for (int k = 0; k < commands; ++k) {
          ResultPtr r = nextResult(within);
          if (!r) break;
          while (nextResult(within)) {  // a command ends with a null
          }
          results.push_back(std::move(r));
        }
        if (results.size() == static_cast<std::size_t>(commands)) {
          ResultPtr sync = nextResult(within);
          sent = sync && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
        } else {
          sent = false;
        }
      }
      if (PQpipelineStatus(c) != PQ_PIPELINE_OFF) PQexitPipelineMode(c);
      if (!sent && PQstatus(c) != CONNECTION_OK && resendable && attemptNo == 1) {
        // The pool reports outages; a single dropped connection is routine.
        dbLog().debug("database connection lost; reconnecting", {{"url", redactedUrl_}});
        reconnect();  // throws, leaving the connection closed, when the server is gone
        continue;
      }
      // The results in step order: the first failure is the one to report.
      std::size_t k = 0;
      for (Step& s : steps) {
        const bool isBegin = hasBegin && &s == &steps.front();
        for (int part = s.freshName.empty() ? 1 : 2; part > 0; --part, ++k) {
          if (k >= results.size()) {
            if (isBegin) beginFailed_ = true;
            fail("", primaryMessage(PQerrorMessage(c)), s.sql, *s.params);
          }
          const PGresult* r = results[k].get();
          const ExecStatusType status = PQresultStatus(r);
          if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            // Prepared on the server, whatever comes after: kept under its name.
            if (part == 2) s.statement->preparedName = s.freshName;
            continue;
          }
          if (isBegin) beginFailed_ = true;
          if (s.statement && planShapeChanged(r)) {
            s.statement->preparedName.clear();
            throw DbError(DbError::Kind::Retryable,
                          describeFailure("a prepared statement outlived a change to its tables", "0A000", s.sql));
          }
          failWith(r, s.sql, *s.params);
        }
      }
      if (!sent) fail("", primaryMessage(PQerrorMessage(c)), steps.back().sql, *steps.back().params);
      return std::move(results.back());
    }
  }

  static bool planShapeChanged(const PGresult* res) {
    if (!res || PQresultStatus(res) != PGRES_FATAL_ERROR) return false;
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return state && std::string_view(state) == "0A000" && message &&
           std::string_view(message).find("cached plan must not change result type") != std::string_view::npos;
  }

  static void readRows(const PGresult* res, std::vector<Row>& rows) {
    const int columnCount = PQnfields(res), rowCount = PQntuples(res);
    if (rowCount == 0) return;
    auto names = std::make_shared<std::vector<std::string>>();
    std::vector<Oid> types(static_cast<std::size_t>(columnCount));
    names->reserve(types.size());
    for (int c = 0; c < columnCount; ++c) {
      names->emplace_back(PQfname(res, c));
      types[static_cast<std::size_t>(c)] = PQftype(res, c);
    }
    std::shared_ptr<const std::vector<std::string>> columns = std::move(names);
    rows.reserve(static_cast<std::size_t>(rowCount));
    for (int r = 0; r < rowCount; ++r) {
      std::vector<Value> out;
      out.reserve(types.size());
      for (int c = 0; c < columnCount; ++c) {
        if (PQgetisnull(res, r, c))
          out.emplace_back();
        else
          out.push_back(columnValue(PQgetvalue(res, r, c), PQgetlength(res, r, c), types[static_cast<std::size_t>(c)]));
      }
      rows.emplace_back(columns, std::move(out));
    }
  }

  [[noreturn]] void failWith(const PGresult* res, std::string_view sql, const Params& params) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    fail(state && validSqlState(state) ? state : "",
         primary ? std::string(primary) : primaryMessage(PQerrorMessage(conn())), sql, params);
  }

  [[noreturn]] void fail(const std::string& sqlstate, const std::string& message, std::string_view sql,
                         const Params& params) {
    std::string text = describeFailure(scrubParams(message, params), sqlstate, sql);
    // A dropped connection may come with no SQLSTATE, or with the server's
    // shutdown code; either way the connection is gone. Every error the
    // server sends has a SQLSTATE: one without is libpq's own, about the
    // connection — even before libpq has marked it closed (a server shutting
    // down sends "terminating connection" and hangs up; a pipeline can end
    // on that message with the connection still "OK"). It is closed here so
    // that the pool connects afresh.
    if (PQstatus(conn()) != CONNECTION_OK) throw DbError(DbError::Kind::Unavailable, std::move(text));
    if (sqlstate.empty()) {
      closeBroken();
      throw DbError(DbError::Kind::Unavailable, std::move(text));
    }
    if (isStorageSqlState(sqlstate)) throw StorageFailure(text);
    throw DbError(kindForSqlState(sqlstate), text);
  }

  const std::string conninfo_;
  const std::string redactedUrl_;
  const std::string password_;
  const std::string setUpSql_;
  const bool prepare_;
  const milliseconds statementTimeout_;  // the session's (0: no limit)
  const milliseconds networkGrace_;      // database.tcpUserTimeout
  milliseconds txStatementTimeout_{0};   // the open transaction's own, if it has one
  ConnPtr conn_{nullptr, PQfinish};
  StatementCache statements_{PlaceholderStyle::Dollar, kMaxPrepared};
  // The statement being run: its values by parameter number, and as text
  // for libpq (numbers formatted into texts_).
  std::vector<const Value*> bound_;
  std::vector<std::string> texts_;
  std::vector<const char*> values_;
  std::string pendingBegin_;  // BEGIN not yet sent: it goes with the first statement
  // Tx::execLater's writes, in order, not yet sent: they go with the next
  // statement or the COMMIT.
  struct Deferred {
    std::string sql;
    Params params;
  };
  std::vector<Deferred> deferred_;
  bool beginFailed_ = false;
  unsigned long long statementSerial_ = 0;
};

}  // namespace

std::unique_ptr<Connection> openPgConnection(const PgSettings& settings) {
  return std::make_unique<PgConnection>(settings);
}

}  // namespace agape::kernel
#endif
