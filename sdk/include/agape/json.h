#pragma once
// JSON helpers for handlers (opt-in: this header pulls in nlohmann/json).

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agape/http.h"
#include "agape/problem.h"

namespace agape {

using Json = nlohmann::json;

// Parses the request body as a JSON object; a malformed body or another type
// is 400 validation_failed. Fields not in `allowed` are 400 as well (API.md:
// unknown fields are rejected), each named in `errors`.
Json parseJsonObject(const Request& request, std::initializer_list<std::string_view> allowed);

// Compact serialisation into a 200 (or `status`) application/json response.
Response jsonResponse(const Json& body, int status = 200);

// A list page as API.md shapes it:
// {"data": [...], "meta": {"page", "limit", "total", "totalPages"}}.
Json pageJson(Json data, int page, int limit, long long total);

}  // namespace agape
