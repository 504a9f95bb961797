#pragma once
// The agape::Tx handed to a transaction callback: statements go to the
// pooled connection, after-commit hooks are collected for DbPool.

#include <functional>
#include <string_view>
#include <vector>

#include "agape/db.h"
#include "db/connection.h"

namespace agape::kernel {

class PooledTx final : public Tx {
 public:
  explicit PooledTx(Connection& connection) : connection_(&connection) {}

  Dialect dialect() const override;
  long long exec(std::string_view sql, const Params& params = {}) override;
  std::vector<Row> query(std::string_view sql, const Params& params = {}) override;
  void afterCommit(std::function<void()> fn) override;

  // Kernel only (migrations): several statements without parameters.
  void execScript(std::string_view sql);

  // Ends the Tx's validity: a Tx kept beyond its callback throws instead of
  // running statements on a connection now serving someone else.
  std::vector<std::function<void()>> close();

 private:
  Connection& connection() const;

  Connection* connection_;
  std::vector<std::function<void()>> afterCommit_;
};

}  // namespace agape::kernel
