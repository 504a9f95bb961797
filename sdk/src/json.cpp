#include "agape/json.h"

#include <algorithm>

#include "agape/text.h"

namespace agape {

namespace {

// The path of the first string (key or value) holding a NUL, which JSON can
// carry as \u0000 and PostgreSQL cannot store; nlohmann already refuses
// invalid UTF-8 while parsing.
std::optional<std::string> firstNul(const Json& value, const std::string& path) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().find('\0') != std::string::npos) return path;
  } else if (value.is_object()) {
    for (const auto& [key, v] : value.items()) {
      const std::string at = path.empty() ? key : path + "." + key;
      if (key.find('\0') != std::string::npos) return cleanText(at);
      if (auto found = firstNul(v, at)) return found;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      if (auto found = firstNul(value[i], path + "[" + std::to_string(i) + "]")) return found;
  }
  return std::nullopt;
}

}  // namespace

Json parseJsonObject(const Request& request, std::initializer_list<std::string_view> allowed) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded()) throw Problem::badRequest("The request body is not valid JSON (in UTF-8).");
  if (!body.is_object()) throw Problem::badRequest("The request body must be a JSON object.");
  if (auto at = firstNul(body, "")) throw Problem::validation({{*at, "must not contain NUL characters"}});
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
