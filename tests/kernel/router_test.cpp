#include <gtest/gtest.h>

#include "http/router.h"

using namespace agape;
using namespace agape::kernel;

namespace {

Route route(Method m, std::string path, std::string plugin = "test") {
  Route r;
  r.method = m;
  r.pathTemplate = std::move(path);
  r.pluginId = std::move(plugin);
  r.handler = [](Request&) { return Response::noContent(); };
  return r;
}

Router catalogue() {
  RouteTable t;
  t.add(route(Method::Get, "/v1/products"));
  t.add(route(Method::Post, "/v1/products"));
  t.add(route(Method::Get, "/v1/products/search"));
  t.add(route(Method::Get, "/v1/products/categories"));
  t.add(route(Method::Get, "/v1/products/:idOrSlug"));
  t.add(route(Method::Patch, "/v1/products/:id"));
  t.add(route(Method::Get, "/v1/products/:id/reviews/:reviewId"));
  t.add(route(Method::Get, "/v1/orders/stats"));
  t.add(route(Method::Post, "/v1/orders/:id/cancel"));
  t.add(route(Method::Get, "/"));
  return std::move(t).freeze();
}

}  // namespace

TEST(Router, StaticSegmentBeatsParameter) {
  Router r = catalogue();
  auto m = r.match(Method::Get, "/v1/products/search");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pathTemplate, "/v1/products/search");
  EXPECT_TRUE(m.params.empty());
}

TEST(Router, ParameterCapturedAndDecoded) {
  Router r = catalogue();
  auto m = r.match(Method::Get, "/v1/products/ankara%20dress");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pathTemplate, "/v1/products/:idOrSlug");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "idOrSlug");
  EXPECT_EQ(m.params[0].second, "ankara dress");
}

TEST(Router, ParameterNamesBelongToTheRouteNotTheNode) {
  Router r = catalogue();
  auto m = r.match(Method::Patch, "/v1/products/p1");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.params.at(0).first, "id");
}

TEST(Router, BacktracksFromStaticDeadEnd) {
  Router r = catalogue();
  // "search" is static at depth 3 but has no children: the parameter branch wins.
  auto m = r.match(Method::Get, "/v1/products/search/reviews/7");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pathTemplate, "/v1/products/:id/reviews/:reviewId");
  EXPECT_EQ(m.params[0].second, "search");
  EXPECT_EQ(m.params[1].second, "7");
}

TEST(Router, MethodNotAllowedListsEveryMethodOfThePath) {
  Router r = catalogue();
  auto m = r.match(Method::Delete, "/v1/products/p1");
  ASSERT_EQ(m.outcome, Router::Outcome::MethodNotAllowed);
  std::vector<Method> expected{Method::Get, Method::Patch, Method::Head};
  EXPECT_EQ(m.allowed, expected);
}

TEST(Router, StaticPathWithoutTheMethodFallsBackToParameterRoute) {
  Router r = catalogue();
  // PATCH /v1/products/search: the static node only has GET, the param node has PATCH.
  auto m = r.match(Method::Patch, "/v1/products/search");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pathTemplate, "/v1/products/:id");
}

TEST(Router, NotFoundCases) {
  Router r = catalogue();
  EXPECT_EQ(r.match(Method::Get, "/v1/nothing").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/v1/products/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match(Method::Get, "v1/products").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/v1/products/a/b").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/v1/products/bad%zz").outcome, Router::Outcome::NotFound);
}

TEST(Router, HeadFallsBackToGetAndRootMatches) {
  Router r = catalogue();
  auto m = r.match(Method::Head, "/v1/orders/stats");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->method, Method::Get);
  EXPECT_EQ(r.match(Method::Get, "/").outcome, Router::Outcome::Found);
}

TEST(Router, ConflictNamesBothRoutesAndPlugins) {
  RouteTable t;
  t.add(route(Method::Get, "/v1/products/:id", "catalog"));
  try {
    t.add(route(Method::Get, "/v1/products/:slug", "acme.reviews"));
    FAIL() << "conflict accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "route conflict: GET /v1/products/:slug (plugin \"acme.reviews\") and GET "
                 "/v1/products/:id (plugin \"catalog\")");
  }
  EXPECT_NO_THROW(t.add(route(Method::Post, "/v1/products/:slug", "acme.reviews")));
}

TEST(Router, MalformedTemplatesRefused) {
  RouteTable t;
  EXPECT_THROW(t.add(route(Method::Get, "v1/x")), std::invalid_argument);
  EXPECT_THROW(t.add(route(Method::Get, "/v1//x")), std::invalid_argument);
  EXPECT_THROW(t.add(route(Method::Get, "/v1/:")), std::invalid_argument);
  EXPECT_THROW(t.add(route(Method::Get, "/v1/:a/:a")), std::invalid_argument);
  EXPECT_THROW(t.add(route(Method::Get, "/v1/a:b")), std::invalid_argument);
}

TEST(Router, PercentDecode) {
  EXPECT_EQ(percentDecode("a%2Fb+c", true).value(), "a/b c");
  EXPECT_EQ(percentDecode("a+c", false).value(), "a+c");
  EXPECT_FALSE(percentDecode("%4", false));
  EXPECT_FALSE(percentDecode("%", false));
  EXPECT_FALSE(percentDecode("%g1", false));
}
