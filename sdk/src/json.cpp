#include "agape/json.h"

#include <algorithm>

namespace agape {

Json parseJsonObject(const Request& request, std::initializer_list<std::string_view> allowed) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded()) throw Problem::badRequest("The request body is not valid JSON.");
  if (!body.is_object()) throw Problem::badRequest("The request body must be a JSON object.");
  std::vector<FieldError> unknown;
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      unknown.push_back({key, "unknown field"});
  }
  if (!unknown.empty()) throw Problem::validation(std::move(unknown), "The request has unknown fields.");
  return body;
}

Response jsonResponse(const Json& body, int status) {
  return Response::json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

Json pageJson(Json data, int page, int limit, long long total) {
  return {{"data", std::move(data)},
          {"meta", {{"page", page}, {"limit", limit}, {"total", total}, {"totalPages", (total + limit - 1) / limit}}}};
}

}  // namespace agape
