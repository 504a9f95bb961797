// SQLite connections. SOCI owns the session (opening, closing); statements
// run on the raw sqlite3 handle because SOCI types expression columns
// (count(*), 1 + 1) as text, while SQLite reports each value's real storage
// class, which is exactly agape::Value's model.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "db/round_trips.h"
#include "db/connection.h"
#include "db/db_errors.h"
#include "db/sql_placeholders.h"

namespace agape::kernel {
namespace {

using namespace ::sqlite_api;  // SOCI wraps sqlite3.h in this namespace

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// SOCI's shared libraries export no RTTI for their backend classes, so
// UBSan's vptr check, which needs it, cannot link; this downcast is exact.
__attribute__((no_sanitize("vptr"))) sqlite3* nativeHandle(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(std::string path, std::chrono::milliseconds busyTimeout)
      : path_(std::move(path)), busyTimeout_(busyTimeout) {
    open();
  }

  Dialect dialect() const override { return Dialect::Sqlite; }

  // IMMEDIATE takes the write lock up front: two deferred transactions that
  // both read then write would deadlock on the upgrade, and SQLite reports
  // that as SQLITE_BUSY without waiting for busy_timeout.
  void begin(bool readOnly, std::chrono::milliseconds) override { run(readOnly ? "BEGIN" : "BEGIN IMMEDIATE"); }
  void commit() override { run("COMMIT"); }
  void rollback() override {
    if (!db_ || sqlite3_get_autocommit(db_)) return;  // SQLite already rolled back (e.g. after SQLITE_FULL)
    run("ROLLBACK");
  }

  long long exec(std::string_view sql, const Params& params) override {
    StmtPtr stmt = prepare(sql, params);
    ++tDbRoundTrips;
    const auto before = sqlite3_total_changes(db_);
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(sql, params);
    // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE, so
    // it is only meaningful when this statement changed something.
    return sqlite3_total_changes(db_) != before ? sqlite3_changes(db_) : 0;
  }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    StmtPtr stmt = prepare(sql, params);
    ++tDbRoundTrips;
    const int n = sqlite3_column_count(stmt.get());
    auto names = std::make_shared<std::vector<std::string>>();
    names->reserve(n);
    for (int i = 0; i < n; ++i) names->emplace_back(sqlite3_column_name(stmt.get(), i));
    std::shared_ptr<const std::vector<std::string>> columns = std::move(names);

    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      std::vector<Value> values;
      values.reserve(n);
      for (int i = 0; i < n; ++i) values.push_back(column(stmt.get(), i));
      rows.emplace_back(columns, std::move(values));
    }
    if (rc != SQLITE_DONE) fail(sql, params);
    return rows;
  }

  void execScript(std::string_view sql) override {
    requireOpen();
    const std::string text(sql);
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail);
      StmtPtr stmt(raw);
      if (rc != SQLITE_OK) fail(std::string_view(p, end - p), {});
      if (stmt) {
        while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) fail(std::string_view(p, tail - p), {});
      }
      if (tail == p) break;  // nothing consumed: only whitespace or comments are left
      p = tail;
    }
  }

  bool healthy() const override { return db_ && sqlite3_get_autocommit(db_) != 0; }

  // Only ever reopens the file it opened first: SQLite would otherwise
  // create an empty database where the data directory was removed.
  void reconnect() override {
    session_.reset();
    db_ = nullptr;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec))
      throw DbError(DbError::Kind::Unavailable, "the SQLite database " + path_ + " no longer exists");
    open();
  }

 private:
  void open() {
    try {
      session_ = std::make_unique<soci::session>(soci::sqlite3, path_);
    } catch (const soci::soci_error& e) {
      throw DbError(DbError::Kind::Unavailable, "cannot open SQLite database " + path_ + ": " + e.get_error_message());
    }
    db_ = nativeHandle(*session_);
    sqlite3_extended_result_codes(db_, 1);
    try {
      // busy_timeout first: switching to WAL needs a lock another connection may hold.
      run("PRAGMA busy_timeout=" + std::to_string(busyTimeout_.count()));
      run("PRAGMA journal_mode=WAL");
      run("PRAGMA foreign_keys=ON");
      run("PRAGMA synchronous=NORMAL");
      // Reads through a memory map instead of a pread per page, and a larger
      // page cache per connection (16 MiB): a search over the 10,000-product
      // catalogue spent a quarter of its time in pread.
      run("PRAGMA mmap_size=1073741824");
      run("PRAGMA cache_size=-16384");
    } catch (const DbError& e) {
      session_.reset();
      db_ = nullptr;
      throw DbError(DbError::Kind::Unavailable, std::string("cannot set up SQLite database ") + path_ + ": " + e.what());
    }
  }

  void run(const std::string& sql) { exec(sql, {}); }

  // A connection whose reopening failed holds no handle (SOCI's session is gone).
  void requireOpen() const {
    if (!db_) throw DbError(DbError::Kind::Unavailable, "SQLite database " + path_ + " is not open: reopening it failed");
  }

  StmtPtr prepare(std::string_view sql, const Params& params) {
    requireOpen();
    std::string unused;  // nothing is prepared on a server
    const StatementCache::Entry& statement = statements_.get(sql, unused);
    bindByName(statement.positional, params, sql, bound_);
    const std::string& text = statement.positional.sql;
    const char* begin = text.c_str();
    const char* end = begin + text.size();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, begin, static_cast<int>(end - begin), &raw, &tail) != SQLITE_OK) fail(sql, params);
    StmtPtr stmt(raw);
    if (!stmt) throw DbError(DbError::Kind::Other, describeFailure("no statement to run", "", sql));
    rejectTrailingStatement(tail, end, sql);
    for (std::size_t i = 0; i < bound_.size(); ++i)
      bind(stmt.get(), static_cast<int>(i + 1), *bound_[i], sql, params);
    return stmt;
  }

  // SQLite silently ignores everything after the first statement; better to
  // say so than to lose the rest.
  void rejectTrailingStatement(const char* tail, const char* end, std::string_view sql) {
    if (!tail || tail >= end) return;
    sqlite3_stmt* raw = nullptr;
    const char* ignored = nullptr;
    sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &raw, &ignored);
    StmtPtr next(raw);
    if (next)
      throw DbError(DbError::Kind::Other,
                    describeFailure("several statements in one call; run them one by one", "", sql));
  }

  void bind(sqlite3_stmt* stmt, int index, const Value& v, std::string_view sql, const Params& params) {
    // Parameters outlive the statement, so SQLite may keep pointers to them (no destructor).
    const auto& s = v.storage();
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(s))
      rc = sqlite3_bind_null(stmt, index);
    else if (auto* i = std::get_if<long long>(&s))
      rc = sqlite3_bind_int64(stmt, index, *i);
    else if (auto* d = std::get_if<double>(&s))
      rc = sqlite3_bind_double(stmt, index, *d);
    else if (auto* t = std::get_if<std::string>(&s))
      rc = sqlite3_bind_text(stmt, index, t->data(), static_cast<int>(t->size()), nullptr);
    if (rc != SQLITE_OK) fail(sql, params);
  }

  static Value column(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER: return Value(static_cast<long long>(sqlite3_column_int64(stmt, i)));
      case SQLITE_FLOAT: return Value(sqlite3_column_double(stmt, i));
      case SQLITE_NULL: return Value();
      default: {
        // TEXT and BLOB: bytes as they are.
        const void* data = sqlite3_column_blob(stmt, i);
        const int size = sqlite3_column_bytes(stmt, i);
        if (!data || size <= 0) return Value(std::string());
        return Value(std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)));
      }
    }
  }

  [[noreturn]] void fail(std::string_view sql, const Params& params) {
    const int code = sqlite3_extended_errcode(db_);
    std::string text = describeFailure(scrubParams(sqlite3_errmsg(db_), params), "sqlite " + std::to_string(code), sql);
    if (isStorageSqliteCode(code)) throw StorageFailure(text);
    throw DbError(kindForSqliteCode(code), text);
  }

  // Statements parsed per connection: at most this many kept.
  static constexpr std::size_t kMaxStatements = 256;

  std::string path_;
  std::chrono::milliseconds busyTimeout_;
  StatementCache statements_{PlaceholderStyle::Question, kMaxStatements};
  std::vector<const Value*> bound_;  // the values of the statement being prepared, by parameter number
  std::unique_ptr<soci::session> session_;
  sqlite3* db_ = nullptr;  // owned by session_
};

}  // namespace

std::unique_ptr<Connection> openSqliteConnection(const std::string& path, std::chrono::milliseconds busyTimeout) {
  // The pool gives a connection to one thread at a time, so SQLite's own
  // per-connection mutexes are pure cost, as is the global mutex around its
  // allocation statistics (together 11% of a search's time). Only possible
  // before SQLite initialises; later it is refused, harmlessly.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  return std::make_unique<SqliteConnection>(path, busyTimeout);
}

}  // namespace agape::kernel
