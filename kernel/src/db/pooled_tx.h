#pragma once
// The agape::Tx handed to a transaction callback: statements go to the
// pooled connection, after-commit hooks are collected for DbPool.

#include <functional>
#include <memory>
#include <string_view>
#include <utility>
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
  void execLater(std::string_view sql, const Params& params = {}) override;
  void afterCommit(std::function<void()> fn) override;

  // Kernel only (migrations): several statements without parameters.
  void execScript(std::string_view sql);

  // Kernel only: writes a transaction gathers to send as one statement
  // just before its commit (the events it publishes), instead of one
  // statement each. One per `key`, made by `make` on first use; flushed in
  // first-use order by DbPool before COMMIT (a failure rolls back).
  struct Pending {
    virtual ~Pending() = default;
    virtual void flush(Tx& tx) = 0;
  };
  template <class P>
  P& pending(const void* key) {
    for (auto& [k, p] : pending_)
      if (k == key) return static_cast<P&>(*p);
    pending_.emplace_back(key, std::make_unique<P>());
    return static_cast<P&>(*pending_.back().second);
  }
  void flushPending();

  // Ends the Tx's validity: a Tx kept beyond its callback throws instead of
  // running statements on a connection now serving someone else.
  std::vector<std::function<void()>> close();

 private:
  Connection& connection() const;

  Connection* connection_;
  std::vector<std::function<void()>> afterCommit_;
  std::vector<std::pair<const void*, std::unique_ptr<Pending>>> pending_;
};

}  // namespace agape::kernel
