#pragma once
// The middleware chain. Each piece does one thing and calls next() to pass
// the exchange on; the order is fixed by priority (then name), not by
// registration order.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "http/exchange.h"

namespace agape::kernel {

class Middleware;

// Continuation handed to a middleware; calling it runs the rest of the chain.
class Next {
 public:
  Next(const std::vector<std::unique_ptr<Middleware>>& chain, std::size_t index, Exchange& ex)
      : chain_(chain), index_(index), ex_(ex) {}
  void operator()() const;

 private:
  const std::vector<std::unique_ptr<Middleware>>& chain_;
  std::size_t index_;
  Exchange& ex_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual int priority() const = 0;
  virtual std::string_view name() const = 0;
  virtual void handle(Exchange& ex, const Next& next) = 0;
};

}  // namespace agape::kernel
