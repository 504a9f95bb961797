#pragma once
// Assembles the OpenAPI 3.0 document from every frozen route (kernel and
// plugins), with the problem+json error model and bearer security.

#include <string>

#include "http/router.h"

namespace agape::kernel {

struct OpenApiInfo {
  std::string title = "Agape commerce API";
  std::string version;
};

std::string buildOpenApi(const Router& router, const OpenApiInfo& info);

}  // namespace agape::kernel
