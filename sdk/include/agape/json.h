#pragma once
// JSON for what a Schema does not describe: event payloads, documents kept
// as they are, raw routes (opt-in: this header pulls in nlohmann/json).

#include <nlohmann/json.hpp>

#include "agape/http.h"

namespace agape {

using Json = nlohmann::json;

// Compact serialisation into a 200 (or `status`) application/json response.
Response jsonResponse(const Json& body, int status = 200);

}  // namespace agape
