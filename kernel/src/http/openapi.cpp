#include "http/openapi.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "agape/contract.h"

namespace agape::kernel {

namespace {

using Json = nlohmann::ordered_json;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "/v1/products/:id" → shape "/v1/products/:" and OpenAPI "/v1/products/{id}".
std::string openApiPath(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) {
    out += '/';
    if (s.front() == ':') {
      out += '{';
      out.append(s, 1, std::string::npos);
      out += '}';
    } else {
      out += s;
    }
  }
  return out.empty() ? "/" : out;
}

std::string shapeOf(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) out += "/" + (s.front() == ':' ? std::string(":") : s);
  return out;
}

std::string operationId(const Route& r) {
  std::string id = r.pluginId + "_" + lower(methodName(r.method));
  for (const auto& s : splitTemplate(r.pathTemplate)) {
    std::string part = s.front() == ':' ? "by_" + s.substr(1) : s;
    id += "_";
    for (char c : part) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return id;
}

Json problemRef() {
  return {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}};
}

Json errorResponse(const char* description) {
  return {{"description", description}, {"content", problemRef()}};
}

bool carriesBody(Method m) { return m == Method::Post || m == Method::Put || m == Method::Patch; }

}  // namespace

std::string buildOpenApi(const Router& router, const OpenApiInfo& info) {
  Json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", info.title},
                 {"version", info.version},
                 {"description", "REST API of an Agape commerce server: every route of every loaded plugin."},
                 {"license", {{"name", "Apache-2.0"}, {"url", "https://www.apache.org/licenses/LICENSE-2.0"}}}};
  doc["servers"] = Json::array({{{"url", "/"}}});

  // Operations that share a path shape share one path item (OpenAPI forbids
  // two templates that differ only by parameter names); the first route's
  // parameter names are used for the item.
  std::map<std::string, std::string> pathForShape;
  std::set<std::string> tags;
  bool usesBearer = false;
  Json paths = Json::object();
  for (const auto& r : router.routes()) {
    auto segments = splitTemplate(r.pathTemplate);
    auto [it, inserted] = pathForShape.try_emplace(shapeOf(segments), openApiPath(segments));
    const std::string& path = it->second;
    const RouteOptions& o = r.options;

    Json op;
    std::string tag = o.tag.empty() ? r.pluginId : o.tag;
    tags.insert(tag);
    op["tags"] = Json::array({tag});
    op["summary"] = o.summary.empty() ? std::string(methodName(r.method)) + " " + r.pathTemplate : o.summary;
    if (!o.description.empty()) op["description"] = o.description;
    op["operationId"] = operationId(r);

    Json params = Json::array();
    // Path parameters named as in the shared path item.
    std::string p = path;
    for (std::size_t pos = p.find('{'); pos != std::string::npos; pos = p.find('{', pos + 1)) {
      std::string name = p.substr(pos + 1, p.find('}', pos) - pos - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    const bool hasPathParams = !params.empty();
    if (o.contract && o.contract->query)
      for (auto& param : Json::parse(schema::openApiQuery(*o.contract->query))) params.push_back(std::move(param));
    if (!params.empty()) op["parameters"] = params;

    // A raw route's body is its own to read; a contract's is what it says.
    if (carriesBody(r.method) && !(o.contract && !o.contract->body)) {
      Json schema = o.contract ? Json::parse(schema::openApi(*o.contract->body, true)) : Json{{"type", "object"}};
      std::string media = o.consumes.empty() ? "application/json" : o.consumes.front();
      op["requestBody"] = {{"required", true}, {"content", {{media, {{"schema", schema}}}}}};
    }

    Json responses = Json::object();
    Json success = {{"description", "Success"}};
    if (r.options.successStatus != 204) {
      // Without a JSON schema: text is a string, anything else (a PDF, an
      // image) bytes.
      const bool json = o.successContentType.find("json") != std::string::npos;
      Json schema = o.contract && o.contract->response ? Json::parse(schema::openApi(*o.contract->response, false))
                    : json                                ? Json::object()
                    : o.successContentType.rfind("text/", 0) == 0 ? Json{{"type", "string"}}
                                                          : Json{{"type", "string"}, {"format", "binary"}};
      success["content"] = {{o.successContentType, {{"schema", schema}}}};
    }
    responses[std::to_string(o.successStatus)] = success;
    if (carriesBody(r.method) || !params.empty()) responses["400"] = errorResponse("Invalid input");
    if (o.access != Access::Public) {
      responses["401"] = errorResponse("Missing or invalid credentials");
      op["security"] = Json::array({{{"bearerAuth", Json::array()}}});
    } else {
      op["security"] = Json::array({Json::object()});
    }
    if (o.access == Access::Roles) {
      responses["403"] = errorResponse("The caller's role is not allowed");
      op["x-roles"] = o.roles;
    }
    if (o.access == Access::Owner) op["x-owner-or-roles"] = o.roles;
    if (hasPathParams || o.access == Access::Owner) responses["404"] = errorResponse("Not found");
    if (carriesBody(r.method)) {
      responses["413"] = errorResponse("Body too large");
      responses["415"] = errorResponse("Unsupported content type");
    }
    if (o.rateLimitClass != "none") responses["429"] = errorResponse("Rate limited");
    bool any4xx = false;
    for (const auto& [code, _] : responses.items()) any4xx = any4xx || code.front() == '4';
    if (!any4xx) responses["4XX"] = errorResponse("Client error (e.g. 405 for another method)");
    if (o.access != Access::Public) usesBearer = true;
    op["responses"] = responses;
    op["x-plugin"] = r.pluginId;

    paths[path][lower(methodName(r.method))] = op;
  }
  doc["paths"] = paths;

  Json tagList = Json::array();
  for (const auto& t : tags) tagList.push_back({{"name", t}, {"description", "Routes of " + t}});
  doc["tags"] = tagList;

  Json components = {
      {"schemas",
       {{"Problem",
         {{"type", "object"},
          {"description", "RFC 9457 problem details"},
          {"required", Json::array({"type", "title", "status", "code"})},
          {"properties",
           {{"type", {{"type", "string"}, {"format", "uri"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}}},
            {"detail", {{"type", "string"}}},
            {"code", {{"type", "string"}, {"description", "Stable snake_case identifier"}}},
            {"requestId", {{"type", "string"}}},
            {"errors",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"required", Json::array({"field", "message"})},
                {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
  if (usesBearer)
    components["securitySchemes"] = {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}};
  doc["components"] = components;
  return doc.dump(2);
}

}  // namespace agape::kernel
