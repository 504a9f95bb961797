#pragma once
#include <string>

#include "agape/http.h"

namespace agape::kernel {

// One registered route: what a plugin declared plus who declared it.
struct Route {
  Method method = Method::Get;
  std::string pathTemplate;  // "/v1/products/:id"
  Handler handler;
  RouteOptions options;
  std::string pluginId;  // "kernel" for the operations routes
  std::size_t index = 0;  // position in the frozen table, for per-route metrics
};

}  // namespace agape::kernel
