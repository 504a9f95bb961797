#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/route_collector.h"
#include "http/openapi.h"

using namespace agape;
using namespace agape::kernel;
using nlohmann::json;

namespace {
Route route(Method m, std::string path, RouteOptions o = {}) {
  Route r;
  r.method = m;
  r.pathTemplate = std::move(path);
  r.pluginId = "catalog";
  r.options = std::move(o);
  r.handler = [](Request&) { return Response::noContent(); };
  return r;
}
}  // namespace

TEST(OpenApi, DocumentsRoutesSecurityAndErrors) {
  RouteTable t;
  t.add(route(Method::Get, "/v1/products/:idOrSlug",
              {.summary = "One product", .responseSchema = R"({"type":"object","properties":{"id":{"type":"string"}}})"}));
  t.add(route(Method::Patch, "/v1/products/:id",
              {.access = Access::Roles, .roles = {"admin", "merchant"}, .summary = "Update",
               .requestSchema = R"({"type":"object","properties":{"version":{"type":"integer"}}})"}));
  t.add(route(Method::Delete, "/v1/products/:id", {.access = Access::Roles, .roles = {"admin"}, .successStatus = 204}));
  auto router = std::move(t).freeze();
  auto doc = json::parse(buildOpenApi(router, {.version = "1.2.3"}));

  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  // Templates that differ only by parameter names share one path item.
  ASSERT_EQ(doc["paths"].size(), 1u);
  const auto& item = doc["paths"]["/v1/products/{idOrSlug}"];
  ASSERT_TRUE(item.contains("get") && item.contains("patch") && item.contains("delete"));
  EXPECT_EQ(item["patch"]["parameters"][0]["name"], "idOrSlug");

  const auto& get = item["get"];
  EXPECT_EQ(get["summary"], "One product");
  EXPECT_EQ(get["security"], json::array({json::object()}));
  EXPECT_EQ(get["responses"]["200"]["content"]["application/json"]["schema"]["type"], "object");
  EXPECT_TRUE(get["responses"].contains("404"));

  const auto& patch = item["patch"];
  EXPECT_EQ(patch["security"][0].begin().key(), "bearerAuth");
  EXPECT_EQ(patch["x-roles"], json::array({"admin", "merchant"}));
  EXPECT_EQ(patch["requestBody"]["content"]["application/json"]["schema"]["properties"]["version"]["type"], "integer");
  for (const char* code : {"400", "401", "403", "413", "415", "429"})
    EXPECT_TRUE(patch["responses"].contains(code)) << code;
  EXPECT_EQ(patch["responses"]["403"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem");

  EXPECT_TRUE(item["delete"]["responses"].contains("204"));
  EXPECT_FALSE(item["delete"]["responses"]["204"].contains("content"));
  EXPECT_NE(get["operationId"], patch["operationId"]);
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearerAuth"));
}

TEST(OpenApi, DocumentsQueryParameters) {
  RouteTable t;
  t.add(route(Method::Get, "/v1/products/search",
              {.query = {{.name = "q", .description = "search text", .required = true},
                         {.name = "page", .type = "integer"},
                         {.name = "sort", .allowed = {"newest", "price"}}}}));
  auto router = std::move(t).freeze();
  auto doc = json::parse(buildOpenApi(router, {.version = "1"}));
  const auto& get = doc["paths"]["/v1/products/search"]["get"];
  ASSERT_EQ(get["parameters"].size(), 3u);
  EXPECT_EQ(get["parameters"][0], json({{"name", "q"}, {"in", "query"}, {"required", true},
                                        {"schema", {{"type", "string"}}}, {"description", "search text"}}));
  EXPECT_EQ(get["parameters"][1]["schema"]["type"], "integer");
  EXPECT_EQ(get["parameters"][1]["required"], false);
  EXPECT_EQ(get["parameters"][2]["schema"]["enum"], json::array({"newest", "price"}));
  EXPECT_TRUE(get["responses"].contains("400")) << "a bad parameter is a 400";
  EXPECT_FALSE(get["responses"].contains("404")) << "no path parameter, nothing to find";
}

TEST(OpenApi, RefusesQueryParametersItCannotDocument) {
  RouteTable t;
  RouteCollector routes(t, "catalog");
  auto handler = [](Request&) { return Response::noContent(); };
  auto error = [&](RouteOptions o) {
    try {
      routes.get("/v1/x", handler, std::move(o));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error({.query = {{.name = ""}}}), "plugin \"catalog\": route GET /v1/x has a query parameter without a name");
  EXPECT_EQ(error({.query = {{.name = "page", .type = "int"}}}),
            "plugin \"catalog\": route GET /v1/x, query parameter \"page\": type must be string, integer, number or "
            "boolean");
  EXPECT_EQ(error({.query = {{.name = "q"}, {.name = "q"}}}),
            "plugin \"catalog\": route GET /v1/x declares query parameter \"q\" twice");
  EXPECT_EQ(error({.query = {{.name = "q", .type = "boolean"}}}), "accepted");
}
