// The hello plugin under the SDK's testing kit: the library the build made,
// loaded and checked as the server loads it, configured from YAML and asked
// over in-process requests.
#include <gtest/gtest.h>

#include <agape/config.h>
#include <agape/http.h>
#include <agape/testing/plugin_kit.h>

namespace {

using agape::Method;
using agape::testing::PluginKit;

TEST(HelloPlugin, GreetsWithTheConfiguredGreeting) {
  auto kit = PluginKit::load("hello", AGAPE_HELLO_LIBRARY, {.config = "hello:\n  greeting: Sannu\n"});
  kit->start();
  const auto r = kit->request(Method::Get, "/v1/hello/Ada").send();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Sannu, Ada!"})");
}

TEST(HelloPlugin, SaysHelloWithoutASection) {
  auto kit = PluginKit::load("hello", AGAPE_HELLO_LIBRARY);
  kit->start();
  EXPECT_EQ(kit->request(Method::Get, "/v1/hello/Bola%20Ade").send().body, R"({"message":"Hello, Bola Ade!"})");
}

TEST(HelloPlugin, RefusesAnUnknownKeyNamingIt) {
  auto kit = PluginKit::load("hello", AGAPE_HELLO_LIBRARY, {.config = "hello:\n  greting: Sannu\n"});
  try {
    kit->configure();
    FAIL() << "configured with a misspelt key";
  } catch (const agape::ConfigError& e) {
    EXPECT_STREQ(e.what(), "hello.greting: unknown key (/etc/agape/agape.yaml:2:12)");
  }
}

TEST(HelloPlugin, AnswersOnlyItsRoute) {
  auto kit = PluginKit::load("hello", AGAPE_HELLO_LIBRARY);
  kit->start();
  const auto missing = kit->request(Method::Get, "/v1/hello").send();
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.problemCode(), "not_found");
  const auto post = kit->request(Method::Post, "/v1/hello/Ada").json(R"({})").send();
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
}

}  // namespace
