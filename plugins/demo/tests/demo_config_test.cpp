// The demo: section is decoded strictly, and the plugin is refused outside development.
#include <gtest/gtest.h>

#include <agape/testing/config_text.h>

#include "demo_config.h"

namespace agape::demo {
namespace {

DemoConfig decode(const std::string& yaml) { return agape::testing::decodeSection(yaml, "demo", decodeDemoConfig); }
std::string errorOf(const std::string& yaml) { return agape::testing::sectionError(yaml, "demo", decodeDemoConfig); }

TEST(DemoConfig, DefaultsWhenAbsent) {
  const DemoConfig c = decode("other: 1\n");
  EXPECT_TRUE(c.catalogue);
  EXPECT_FALSE(c.stock);
}

TEST(DemoConfig, ReadsEveryKey) {
  const DemoConfig c = decode("demo:\n  catalogue: false\n  stock: true\n");
  EXPECT_FALSE(c.catalogue);
  EXPECT_TRUE(c.stock);
}

TEST(DemoConfig, RefusesUnknownKeysAndBadValues) {
  EXPECT_EQ(errorOf("demo:\n  seedDemo: true\n"), "demo.seedDemo: unknown key (/etc/agape/agape.yaml:2:13)");
  EXPECT_NE(errorOf("demo:\n  stock: sometimes\n").find("demo.stock: "), std::string::npos);
}

TEST(DemoConfig, RefusedOutsideDevelopment) {
  EXPECT_NO_THROW(refuseOutsideDevelopment("development"));
  try {
    refuseOutsideDevelopment("production");
    FAIL() << "production was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("for development only"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace agape::demo
