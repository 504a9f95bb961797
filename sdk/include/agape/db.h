#pragma once
// Database access for plugins: transactions over a pooled connection, with
// parameterised SQL only. The same SQL runs on SQLite and PostgreSQL when it
// sticks to the common subset; `dialect()` tells which one is behind.
//
// Placeholders are named and values bound by name:
//   tx.exec("UPDATE t SET a = :a WHERE id = :id AND (b <= :now OR c <= :now)",
//           {{"a", a}, {"id", id}, {"now", now}});
// A placeholder is ':' then a letter or '_', then letters, digits and '_'.
// Text inside string literals, quoted identifiers, comments and PostgreSQL
// dollar-quoted bodies is not searched, and `::` is a cast. A name used
// several times takes one value. Each call must give exactly the names of
// its statement, each once: a missing, unknown or repeated name throws
// std::logic_error naming them (a bug in the caller, answered 500), before
// anything runs. Which names a statement has is worked out once per SQL text
// and connection, so dialect-dependent texts may order them as they like.

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "agape/version.h"

namespace agape {

enum class Dialect { Sqlite, Postgres };
const char* dialectName(Dialect d) noexcept;  // "sqlite", "postgresql"

// Every database failure surfaces as a DbError with a portable kind, so that
// plugins can map a unique violation to 409 without parsing messages.
// Unavailable means "try again later" (HTTP 503): the database cannot be
// reached or is out of space, or a lock or statement timeout expired.
class AGAPE_API DbError : public std::runtime_error {
 public:
  enum class Kind { UniqueViolation, ForeignKeyViolation, CheckViolation, Retryable, Unavailable, Other };
  DbError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ~DbError() override;
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

// A bound parameter or a column value. NULL is std::monostate. Integers are
// always 64-bit, whatever the column type, on both databases.
class Value {
 public:
  using Storage = std::variant<std::monostate, long long, double, std::string>;
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(static_cast<long long>(b ? 1 : 0)) {}
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Value(I i) : v_(static_cast<long long>(i)) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  template <class T>
  Value(const std::optional<T>& o) {
    if (o) *this = Value(*o);
  }

  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }
  // Conversions throw std::runtime_error on NULL or a type that does not fit.
  long long asInt() const;
  double asDouble() const;
  std::string asString() const;  // integers and doubles are formatted
  bool asBool() const;           // integer 0/1, or "t"/"f", "true"/"false"
  const Storage& storage() const { return v_; }

 private:
  Storage v_;
};

// The value of one placeholder: {"id", id} binds ":id".
struct Param {
  // Built in place rather than moved in from a by-value parameter: one move
  // less for every value of every statement.
  template <class V, std::enable_if_t<std::is_constructible_v<Value, V&&>, int> = 0>
  Param(std::string name, V&& value) : name(std::move(name)), value(std::forward<V>(value)) {}
  std::string name;  // without the ':'
  Value value;
};
// A statement's values by name, in any order: {{"id", id}, {"now", now}}.
using Params = std::vector<Param>;

class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& operator[](std::size_t i) const { return values_.at(i); }
  // By column name; throws std::out_of_range naming an unknown column.
  const Value& operator[](std::string_view column) const;
  long long integer(std::string_view c) const { return (*this)[c].asInt(); }
  double real(std::string_view c) const { return (*this)[c].asDouble(); }
  std::string text(std::string_view c) const { return (*this)[c].asString(); }
  bool boolean(std::string_view c) const { return (*this)[c].asBool(); }
  bool isNull(std::string_view c) const { return (*this)[c].isNull(); }
  std::optional<long long> optInteger(std::string_view c) const;
  std::optional<std::string> optText(std::string_view c) const;
  const std::vector<std::string>& columns() const { return *columns_; }

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

// One transaction on one connection. Valid only inside the callback that
// received it; never keep it.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Dialect dialect() const = 0;
  // Statement without a result set; returns the number of affected rows.
  virtual long long exec(std::string_view sql, const Params& params = {}) = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
  // A write whose outcome the transaction does not read (no count wanted,
  // no error to catch at this line): on PostgreSQL it travels with the
  // transaction's next statement or its COMMIT, in one round trip with
  // them, and runs before it; a failure is thrown there and fails the
  // transaction as any failed statement does. SQLite runs it at once. The
  // names are checked now, as exec does.
  virtual void execLater(std::string_view sql, const Params& params = {}) = 0;
  // The first row, or nullopt.
  std::optional<Row> one(std::string_view sql, const Params& params = {});
  // Runs after a successful commit (not on rollback, not on a retried
  // attempt). For wake-ups and cache invalidation, never for durable work.
  virtual void afterCommit(std::function<void()> fn) = 0;
};

// " FOR UPDATE" on PostgreSQL, "" on SQLite (a write transaction there holds
// the whole database already): `"SELECT ... WHERE id = :id" + forUpdate(tx)`.
inline std::string forUpdate(const Tx& tx) { return tx.dialect() == Dialect::Postgres ? " FOR UPDATE" : ""; }

// The placeholders of an IN list, ":<name>0, :<name>1, ...", one for each of
// `values` (not empty), whose values are added to `params` under those names:
//   "WHERE id IN (" + inList(params, "id", ids) + ")".
template <class Values>
std::string inList(Params& params, std::string_view name, const Values& values) {
  std::string list;
  std::size_t i = 0;
  for (const auto& v : values) {
    std::string placeholder(name);
    placeholder += std::to_string(i++);
    list += list.empty() ? ":" : ", :";
    list += placeholder;
    params.emplace_back(std::move(placeholder), v);
  }
  return list;
}

struct TxOptions {
  bool readOnly = false;  // SQLite: a deferred read transaction instead of BEGIN IMMEDIATE
  int maxAttempts = 5;    // attempts on serialization failure, deadlock or busy
  // PostgreSQL: how long any one statement of this transaction may run,
  // instead of database.statementTimeout (0: that default). For the rare
  // transaction that needs longer, such as an export; SQLite ignores it.
  std::chrono::milliseconds statementTimeout{0};
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs `fn` in one transaction: commit when it returns, rollback when it
  // throws (the exception propagates). On a serialization failure, deadlock
  // or SQLite busy error the whole callback is run again (with backoff) up to
  // maxAttempts, so it must have no effects outside the transaction.
  virtual void transact(const std::function<void(Tx&)>& fn, TxOptions options = {}) = 0;

  template <class F>
  auto run(F&& fn, TxOptions options = {}) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    if constexpr (std::is_void_v<R>) {
      transact([&](Tx& tx) { fn(tx); }, options);
    } else {
      std::optional<R> out;
      transact([&](Tx& tx) { out.emplace(fn(tx)); }, options);
      return std::move(*out);
    }
  }
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F, Tx&> {
    return run(std::forward<F>(fn), TxOptions{.readOnly = true});
  }
};

}  // namespace agape
