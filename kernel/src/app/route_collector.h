#pragma once
// The Routes a plugin sees during provision: it stamps each route with the
// plugin id, checks the OpenAPI schemas are JSON, and closes afterwards.

#include <string>

#include "agape/http.h"
#include "http/router.h"

namespace agape::kernel {

class RouteCollector final : public Routes {
 public:
  RouteCollector(RouteTable& table, std::string pluginId) : table_(table), pluginId_(std::move(pluginId)) {}
  void add(Method method, std::string pathTemplate, Handler handler, RouteOptions options = {}) override;
  void close() { open_ = false; }

 private:
  RouteTable& table_;
  std::string pluginId_;
  bool open_ = true;
};

}  // namespace agape::kernel
