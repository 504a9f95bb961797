#pragma once
// Path routing. Routes are collected (RouteTable), checked for conflicts and
// then frozen into an immutable Router that the network threads share
// without locking.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/route.h"

namespace agape::kernel {

class Router;

class RouteTable {
 public:
  // Throws std::invalid_argument on a malformed template or a conflict with an
  // earlier route (same method and the same shape, whatever the parameter
  // names), naming both routes and their plugins.
  void add(Route route);
  std::size_t size() const { return routes_.size(); }
  Router freeze() &&;

 private:
  std::vector<Route> routes_;
};

class Router {
 public:
  struct Node;
  enum class Outcome { Found, NotFound, MethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::NotFound;
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;  // percent-decoded
    std::vector<Method> allowed;  // for MethodNotAllowed (and OPTIONS)
  };

  Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  ~Router();

  // Static segments win over parameters; on a dead end the matcher backs off
  // and tries the parameter branch. HEAD falls back to GET.
  Match match(Method method, std::string_view path) const;
  // Every method the path answers to (for Allow and CORS preflight).
  std::vector<Method> allowedMethods(std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  friend class RouteTable;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> paramNames_;  // per route, in template order
  std::unique_ptr<Node> root_;
};

// Splits "/a/:b/c" into segments; "" for "/". Throws on an empty or duplicate
// parameter name, a segment with ':' inside, or a missing leading '/'.
std::vector<std::string> splitTemplate(std::string_view pathTemplate);

// Percent-decodes a path segment or query component ('+' is a space only in
// queries). Returns nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

// Appends the decoded pairs of a query string, in order:
// "a=1&b=x%20y&flag" → (a, 1), (b, x y), (flag, ""). A malformed escape
// leaves that part as it was sent.
void splitQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace agape::kernel
