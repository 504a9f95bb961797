#include "support/pg_schema.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <memory>
#include <random>
#include <stdexcept>

namespace agape::test {
namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Conn connect(const std::string& url) {
  Conn c(PQconnectdb(url.c_str()), PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(c.get()));
  return c;
}

Result run(PGconn* c, const std::string& sql) {
  Result r(PQexec(c, sql.c_str()), PQclear);
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error(sql + ": " + PQerrorMessage(c));
  return r;
}

}  // namespace

PgSchema::PgSchema(const std::string& baseUrl) : baseUrl_(baseUrl) {
  std::mt19937_64 rng{std::random_device{}()};
  schema_ = "agape_it_" + std::to_string(getpid()) + "_" + std::to_string(rng() % 1000000000);
  auto c = connect(baseUrl_);
  run(c.get(), "CREATE SCHEMA " + schema_);
  url_ = baseUrl_ + (baseUrl_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
}

PgSchema::~PgSchema() {
  try {
    auto c = connect(baseUrl_);
    run(c.get(), "DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const std::exception&) {
    // A leftover schema in a scratch database does not fail a test.
  }
}

long long PgSchema::scalar(const std::string& sql) const { return std::stoll(text(sql)); }

std::string PgSchema::text(const std::string& sql) const {
  auto c = connect(url_);
  auto r = run(c.get(), sql);
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) != 1) throw std::runtime_error(sql + ": not one value");
  return PQgetvalue(r.get(), 0, 0);
}

std::vector<std::vector<std::string>> PgSchema::rows(const std::string& sql) const {
  auto c = connect(url_);
  auto r = run(c.get(), sql);
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r.get()); ++j) row.emplace_back(PQgetvalue(r.get(), i, j));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace agape::test
