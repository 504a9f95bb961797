#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <agape/contract.h>

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

// A route declared with `contract`, as Routes::get & co. record it.
template <class B, class Q, class O>
Route typed(Method m, std::string path, const Contract<B, Q, O>& contract, RouteOptions o = {}) {
  Route r = route(m, std::move(path));
  r.handler = bindContract(contract, o, [](Call<B, Q>&) { return Response::noContent(); });
  r.options = std::move(o);
  return r;
}

struct ProductId {
  std::string id;
};
struct VersionOnly {
  std::optional<long long> version;
};
enum class Sort { Newest, Price };
struct Search {
  std::string q;
  std::optional<long long> page;
  std::optional<Sort> sort;
};
}  // namespace

TEST(OpenApi, DocumentsRoutesSecurityAndErrors) {
  RouteTable t;
  t.add(typed(Method::Get, "/v1/products/:idOrSlug", Contract().returns(Schema<ProductId>().field("id", &ProductId::id)),
              {.summary = "One product"}));
  t.add(typed(Method::Patch, "/v1/products/:id",
              Contract().body(Schema<VersionOnly>().field("version", &VersionOnly::version, {.optional = true})),
              {.access = Access::Roles, .roles = {"admin", "merchant"}, .summary = "Update"}));
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
  EXPECT_EQ(get["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["id"]["type"], "string");
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
  const Names<Sort> sorts{{Sort::Newest, "newest"}, {Sort::Price, "price"}};
  t.add(typed(Method::Get, "/v1/products/search",
              Contract().query(Schema<Search>()
                                   .field("q", &Search::q, {.description = "search text"})
                                   .field("page", &Search::page, {.optional = true})
                                   .field("sort", &Search::sort, sorts, {.optional = true}))));
  auto router = std::move(t).freeze();
  auto doc = json::parse(buildOpenApi(router, {.version = "1"}));
  const auto& get = doc["paths"]["/v1/products/search"]["get"];
  ASSERT_EQ(get["parameters"].size(), 3u);
  EXPECT_EQ(get["parameters"][0]["name"], "q");
  EXPECT_EQ(get["parameters"][0]["in"], "query");
  EXPECT_EQ(get["parameters"][0]["required"], true);
  EXPECT_EQ(get["parameters"][0]["description"], "search text");
  EXPECT_EQ(get["parameters"][1]["schema"]["type"], "integer");
  EXPECT_EQ(get["parameters"][1]["required"], false);
  EXPECT_EQ(get["parameters"][2]["schema"]["enum"], json::array({"newest", "price"}));
  EXPECT_TRUE(get["responses"].contains("400")) << "a bad parameter is a 400";
  EXPECT_FALSE(get["responses"].contains("404")) << "no path parameter, nothing to find";
}

TEST(OpenApi, ARawRouteHasNoSchemasButItsMediaType) {
  RouteTable t;
  t.add(route(Method::Post, "/v1/webhooks/x"));
  t.add(route(Method::Get, "/v1/invoice", {.successContentType = "application/pdf"}));
  t.add(route(Method::Get, "/v1/report", {.successContentType = "text/csv"}));
  auto doc = json::parse(buildOpenApi(std::move(t).freeze(), {.version = "1"}));
  EXPECT_EQ(doc["paths"]["/v1/webhooks/x"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            json({{"type", "object"}}));
  EXPECT_EQ(doc["paths"]["/v1/invoice"]["get"]["responses"]["200"]["content"]["application/pdf"]["schema"],
            json({{"type", "string"}, {"format", "binary"}}));
  EXPECT_EQ(doc["paths"]["/v1/report"]["get"]["responses"]["200"]["content"]["text/csv"]["schema"],
            json({{"type", "string"}}));
}

TEST(OpenApi, RefusesRoutesWhosePolicyCannotHold) {
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
  EXPECT_EQ(error({.access = Access::Roles}), "plugin \"catalog\": route GET /v1/x requires roles but names none");
  EXPECT_EQ(error({.access = Access::Owner}),
            "plugin \"catalog\": route GET /v1/x is for an object's owner: declare it with a Contract (its handler "
            "calls Call::authorizeOwner)");
  EXPECT_EQ(error({.access = Access::Authenticated}), "accepted");
}
