#include "db/pooled_tx.h"

#include <stdexcept>

namespace agape::kernel {

Connection& PooledTx::connection() const {
  if (!connection_) throw std::logic_error("database Tx used outside of its transaction callback");
  return *connection_;
}

Dialect PooledTx::dialect() const { return connection().dialect(); }

long long PooledTx::exec(std::string_view sql, const Params& params) { return connection().exec(sql, params); }

void PooledTx::execLater(std::string_view sql, const Params& params) { connection().execLater(sql, params); }

std::vector<Row> PooledTx::query(std::string_view sql, const Params& params) {
  return connection().query(sql, params);
}

void PooledTx::afterCommit(std::function<void()> fn) {
  connection();  // same validity rule as statements
  afterCommit_.push_back(std::move(fn));
}

void PooledTx::execScript(std::string_view sql) { connection().execScript(sql); }

void PooledTx::flushPending() {
  // A flush may not add more (it runs its one statement).
  for (auto& [key, p] : pending_) p->flush(*this);
  pending_.clear();
}

std::vector<std::function<void()>> PooledTx::close() {
  connection_ = nullptr;
  return std::move(afterCommit_);
}

}  // namespace agape::kernel
