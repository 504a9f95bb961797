#pragma once
// A fresh PostgreSQL schema in the database named by AGAPE_TEST_PG_URL, for
// tests that start servers on PostgreSQL: url() points every connection's
// search_path at it; it is dropped with the object.
#include <string>
#include <vector>

namespace agape::test {

class PgSchema {
 public:
  explicit PgSchema(const std::string& baseUrl);
  ~PgSchema();
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  const std::string& url() const { return url_; }
  // The single integer the query returns (such as a count(*)), in the schema.
  long long scalar(const std::string& sql) const;
  // The single value the query returns, as text.
  std::string text(const std::string& sql) const;
  // Every row the statement returns, each value as text (NULL as ""); none
  // for a statement without a result.
  std::vector<std::vector<std::string>> rows(const std::string& sql) const;

 private:
  std::string baseUrl_;
  std::string schema_;
  std::string url_;
};

}  // namespace agape::test
