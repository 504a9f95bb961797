// Configuration loading: the YAML view, ${ENV} expansion, --set overrides,
// strict decoding of the kernel sections and the SDK's ConfigDecoder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <stdlib.h>
#include <unistd.h>

#include "agape/config.h"
#include "config/config_document.h"
#include "config/kernel_config_decoder.h"
#include "config/yaml_tree.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using Kind = agape::ConfigView::Kind;

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr const char* kBaseDir = "/srv/agape/config";

ConfigDocument parseDoc(std::string_view yaml, std::vector<std::string> overrides = {},
                        std::map<std::string, std::string> env = {}) {
  return ConfigDocument::parse(yaml, "agape.yaml", overrides, envOf(std::move(env)), kBaseDir);
}

// The message of the agape::ConfigError that `f` throws.
template <class F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const agape::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected agape::ConfigError";
  return "";
}

std::string decodeError(std::string_view yaml, std::map<std::string, std::string> env = {}) {
  return errorOf([&] { decodeKernelConfig(parseDoc(yaml, {}, std::move(env))); });
}

constexpr const char* kMinimal = "database:\n  url: sqlite:///var/lib/agape/agape.db\n";

// ---- ConfigView over the YAML tree ----

TEST(ConfigViewTest, KindsPathsAndLocations) {
  auto doc = parseDoc(
      "server:\n"
      "  port: 8080\n"
      "  empty:\n"
      "plugins:\n"
      "  enabled:\n"
      "    - hello\n"
      "    - id: acme.loyalty\n"
      "      file: x.so\n");
  auto root = doc.root();
  EXPECT_EQ(root->kind(), Kind::Map);
  EXPECT_EQ(root->path(), "");
  EXPECT_EQ(root->location(), "agape.yaml:1:1");
  EXPECT_EQ(root->keys(), (std::vector<std::string>{"server", "plugins"}));

  auto port = root->child("server")->child("port");
  EXPECT_EQ(port->kind(), Kind::Scalar);
  EXPECT_EQ(port->path(), "server.port");
  EXPECT_EQ(port->location(), "agape.yaml:2:9");
  EXPECT_EQ(port->scalar(), "8080");

  auto empty = doc.section("server")->child("empty");
  EXPECT_EQ(empty->kind(), Kind::Null);
  EXPECT_FALSE(empty->present());
  EXPECT_EQ(empty->location(), "agape.yaml:3:3");

  auto enabled = doc.section("plugins")->child("enabled");
  EXPECT_EQ(enabled->kind(), Kind::Sequence);
  EXPECT_EQ(enabled->size(), 2u);
  auto file = enabled->at(1)->child("file");
  EXPECT_EQ(file->path(), "plugins.enabled[1].file");
  EXPECT_EQ(file->location(), "agape.yaml:8:13");
  EXPECT_EQ(enabled->at(1)->location(), "agape.yaml:7:7");

  auto missing = doc.section("database")->child("url");
  EXPECT_EQ(missing->kind(), Kind::Missing);
  EXPECT_EQ(missing->path(), "database.url");
  EXPECT_EQ(missing->location(), "");
  EXPECT_EQ(enabled->at(5)->kind(), Kind::Missing);
  EXPECT_EQ(enabled->at(5)->path(), "plugins.enabled[5]");
}

TEST(ConfigViewTest, QuotedNullIsAStringAndPlainNullIsNull) {
  auto doc = parseDoc("a: \"null\"\nb: ~\nc: null\n");
  EXPECT_EQ(doc.root()->child("a")->kind(), Kind::Scalar);
  EXPECT_EQ(doc.root()->child("a")->scalar(), "null");
  EXPECT_EQ(doc.root()->child("b")->kind(), Kind::Null);
  EXPECT_EQ(doc.root()->child("c")->kind(), Kind::Null);
}

TEST(ConfigViewTest, ViewsOutliveTheirDocument) {
  std::unique_ptr<agape::ConfigView> port;
  {
    auto doc = parseDoc("server:\n  port: 81\n");
    port = doc.section("server")->child("port");
  }
  EXPECT_EQ(port->scalar(), "81");
}

TEST(ConfigViewTest, FailFormatsPathMessageAndLocation) {
  auto doc = parseDoc("cart:\n  maxQuantity: 500\n");
  EXPECT_EQ(errorOf([&] { doc.section("cart")->child("maxQuantity")->fail("must be between 1 and 100"); }),
            "cart.maxQuantity: must be between 1 and 100 (agape.yaml:2:16)");
}

// ---- YAML syntax and shape ----

TEST(ConfigSyntaxTest, SyntaxErrorHasLineAndColumn) {
  EXPECT_EQ(errorOf([] { parseDoc("server:\n  port: 8080\n  cors: [a, b\n"); }),
            "syntax error: end of sequence flow not found (agape.yaml:4:1)");
  EXPECT_EQ(errorOf([] { parseDoc("server:\n  port: 8080\n host: x\n"); }),
            "syntax error: end of map not found (agape.yaml:3:2)");
}

TEST(ConfigSyntaxTest, TopLevelMustBeAMap) {
  EXPECT_EQ(errorOf([] { parseDoc("- a\n- b\n"); }), "(root): must be a map of sections (agape.yaml:1:1)");
  EXPECT_EQ(errorOf([] { parseDoc("# nothing\n"); }), "(root): must be a map of sections (agape.yaml:1:1)");
}

TEST(ConfigSyntaxTest, DuplicateKeysAreRefused) {
  EXPECT_EQ(errorOf([] { parseDoc("server:\n  port: 1\n  host: x\n  port: 2\n"); }),
            "server.port: duplicate key (first at agape.yaml:2:9) (agape.yaml:4:3)");
}

TEST(ConfigSyntaxTest, OnlyOneDocument) {
  EXPECT_EQ(errorOf([] { parseDoc("a: 1\n---\nb: 2\n"); }),
            "(root): only one YAML document is allowed (agape.yaml:3:1)");
}

// ---- Bounds on hostile YAML, checked before yaml-cpp builds a node ----

std::string nestedLists(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(ConfigBoundsTest, NestingDeeperThan64LevelsIsRefused) {
  // The root map is level 1: 63 lists under it are the most.
  auto doc = parseDoc("a: " + nestedLists(kMaxConfigDepth - 1) + "\n");
  EXPECT_EQ(doc.root()->child("a")->kind(), Kind::Sequence);
  EXPECT_EQ(errorOf([] { parseDoc("a: " + nestedLists(kMaxConfigDepth) + "\n"); }),
            "too deep: more than 64 levels of nested maps and lists (aliases expanded) (agape.yaml:1:67)");
  // Block maps count alike; so does a nesting yaml-cpp's own recursion
  // could not survive.
  std::string block;
  for (std::size_t i = 0; i < kMaxConfigDepth; ++i) block += std::string(i, ' ') + "k" + std::to_string(i) + ":\n";
  block += std::string(kMaxConfigDepth, ' ') + "v: 1\n";
  EXPECT_EQ(errorOf([&] { parseDoc(block); }),
            "too deep: more than 64 levels of nested maps and lists (aliases expanded) (agape.yaml:65:65)");
  EXPECT_EQ(errorOf([] { parseDoc("a: " + nestedLists(200000) + "\n"); }),
            "too deep: more than 64 levels of nested maps and lists (aliases expanded) (agape.yaml:1:67)");
}

TEST(ConfigBoundsTest, DepthCountsAliasesExpanded) {
  // Each text is 40 levels deep at most, but the alias puts 40 levels under 30.
  std::string anchored = "base: &deep " + nestedLists(39) + "\n";
  std::string shallow = "use: " + std::string(29, '[') + "*deep" + std::string(29, ']') + "\n";
  EXPECT_EQ(errorOf([&] { parseDoc(anchored + shallow); }),
            "too deep: more than 64 levels of nested maps and lists (aliases expanded) (agape.yaml:2:35)");
  std::string fits = "use: " + std::string(23, '[') + "*deep" + std::string(23, ']') + "\n";
  EXPECT_NO_THROW(parseDoc(anchored + fits));
}

TEST(ConfigBoundsTest, BillionLaughsIsRefused) {
  // Ten levels of nine aliases each: 90 aliases in 700 bytes name 9^10 nodes.
  std::string yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string name = std::to_string(i), prev = std::to_string(i - 1);
    yaml.append("l").append(name).append(": &l").append(name).append(" [");
    for (int j = 0; j < 9; ++j) {
      yaml.append(j ? ", *l" : "*l").append(prev);
    }
    yaml += "]\n";
  }
  std::string e = errorOf([&] { parseDoc(yaml); });
  EXPECT_EQ(e.rfind("too large: more than 100000 keys and values (an alias counts as everything it names) (agape.yaml:", 0),
            0u)
      << e;
}

TEST(ConfigBoundsTest, TooManyAliasesAreRefused) {
  std::string yaml = "a: &a 1\nlist: [";
  for (std::size_t i = 0; i < kMaxConfigAliases; ++i) yaml += "*a, ";
  EXPECT_NO_THROW(parseDoc(yaml + "1]\n"));
  EXPECT_EQ(errorOf([&] { parseDoc(yaml + "*a]\n"); }),
            "too many aliases: more than 1000 uses of *name (agape.yaml:2:" +
                std::to_string(7 + 4 * kMaxConfigAliases + 1) + ")");
}

TEST(ConfigBoundsTest, AnAliasInsideItsOwnAnchorIsRefused) {
  // yaml-cpp would build a cycle, and converting it would never end.
  EXPECT_EQ(errorOf([] { parseDoc("a: &loop [1, *loop]\n"); }),
            "an alias inside the node it names (agape.yaml:1:14)");
  EXPECT_EQ(errorOf([] { parseDoc("a: &loop\n  b: *loop\n"); }),
            "an alias inside the node it names (agape.yaml:2:6)");
}

TEST(ConfigBoundsTest, AliasesWithinTheBoundsStillWork) {
  auto doc = parseDoc("base: &limits {requests: 5, per: 1s}\nauth: *limits\n");
  EXPECT_EQ(doc.section("auth")->child("requests")->scalar(), "5");
}

TEST(ConfigBoundsTest, FilesOverOneMebibyteAreRefused) {
  std::string head = "a: 1\n#";
  std::string exact = head + std::string(kMaxConfigBytes - head.size() - 1, 'x') + "\n";
  ASSERT_EQ(exact.size(), kMaxConfigBytes);
  EXPECT_EQ(parseDoc(exact).root()->child("a")->scalar(), "1");
  EXPECT_EQ(errorOf([&] { parseDoc(exact + "\n"); }), "too large: more than 1048576 bytes (1 MiB) (agape.yaml)");
  // Nodes are bounded too, whatever the bytes: 100,001 short list items.
  std::string many = "a: [";
  for (std::size_t i = 0; i < kMaxConfigNodes; ++i) many += "1,";
  EXPECT_EQ(errorOf([&] { parseDoc(many + "1]\n"); }).rfind("too large: more than 100000 keys and values", 0), 0u);

  // From disk: a large file, and a device that never ends, are read no
  // further than one byte past the bound.
  auto dir = std::filesystem::temp_directory_path() / ("agape-config-bounds-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto big = (dir / "big.yaml").string();
  {
    std::ofstream out(big, std::ios::binary);
    out << exact << std::string(kMaxConfigBytes, '\n');
  }
  EXPECT_EQ(errorOf([&] { ConfigDocument::load(big); }), "too large: more than 1048576 bytes (1 MiB) (" + big + ")");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(errorOf([] { ConfigDocument::load("/dev/zero"); }),
            "too large: more than 1048576 bytes (1 MiB) (/dev/zero)");
}

TEST(ConfigBoundsTest, SetValuesAreBoundedWithoutQuotingThem) {
  EXPECT_EQ(errorOf([] { parseDoc(kMinimal, {"server.cors.allowedOrigins=" + nestedLists(100)}); }),
            "--set server.cors.allowedOrigins: too deep: more than 64 levels of nested maps and lists (aliases expanded)");
}

TEST(ConfigSyntaxTest, MissingFileIsAConfigError) {
  EXPECT_EQ(errorOf([] { ConfigDocument::load("/nonexistent/agape.yaml"); }),
            "cannot read configuration file /nonexistent/agape.yaml: No such file or directory");
  EXPECT_EQ(errorOf([] { ConfigDocument::load("/"); }), "cannot read configuration file /: it is a directory");
}

// ---- ${ENV} expansion ----

TEST(ConfigEnvTest, ExpandsVariablesDefaultsAndEscapes) {
  auto doc = parseDoc(
      "a: ${HOST}:${PORT}\n"
      "b: ${MISSING:-fallback}\n"
      "c: ${EMPTY:-used when empty}\n"
      "d: price $$5 and $HOME stays\n"
      "e: ${MISSING:-}\n",
      {}, {{"HOST", "db"}, {"PORT", "5432"}, {"EMPTY", ""}});
  auto root = doc.root();
  EXPECT_EQ(root->child("a")->scalar(), "db:5432");
  EXPECT_EQ(root->child("b")->scalar(), "fallback");
  EXPECT_EQ(root->child("c")->scalar(), "used when empty");
  EXPECT_EQ(root->child("d")->scalar(), "price $5 and $HOME stays");
  EXPECT_EQ(root->child("e")->scalar(), "");
}

TEST(ConfigEnvTest, ProcessEnvReadsTheEnvironment) {
  ::setenv("AGAPE_CONFIG_TEST_VALUE", "from the process", 1);
  auto doc = ConfigDocument::parse("a: ${AGAPE_CONFIG_TEST_VALUE}\nb: ${AGAPE_CONFIG_TEST_UNSET:-none}\n", "t.yaml");
  EXPECT_EQ(doc.root()->child("a")->scalar(), "from the process");
  EXPECT_EQ(doc.root()->child("b")->scalar(), "none");
  ::unsetenv("AGAPE_CONFIG_TEST_VALUE");
}

TEST(ConfigEnvTest, UnsetVariableWithoutDefaultIsAnError) {
  auto doc = parseDoc("payments:\n  paystack:\n    secretKey: ${PAYSTACK_SECRET_KEY}\n");
  EXPECT_EQ(errorOf([&] { doc.section("payments")->child("paystack")->child("secretKey")->scalar(); }),
            "payments.paystack.secretKey: environment variable PAYSTACK_SECRET_KEY is not set (agape.yaml:3:16)");
}

TEST(ConfigEnvTest, MalformedReferencesAreErrors) {
  auto doc = parseDoc("a: ${OPEN\nb: ${1BAD}\n");
  EXPECT_EQ(errorOf([&] { doc.root()->child("a")->scalar(); }),
            "a: unterminated ${ (write $$ for a literal dollar) (agape.yaml:1:4)");
  EXPECT_EQ(errorOf([&] { doc.root()->child("b")->scalar(); }),
            "b: invalid environment variable name in ${1BAD} (agape.yaml:2:4)");
}

TEST(ConfigEnvTest, SecretFromEnvironmentNeverAppearsInErrors) {
  std::map<std::string, std::string> env = {{"AGAPE_DATABASE_URL", "mysql://root:hunter2@db/agape"},
                                            {"ORIGIN", "https://hunter2.example/"}};
  std::string url = decodeError("database:\n  url: ${AGAPE_DATABASE_URL}\n", env);
  EXPECT_EQ(url,
            "database.url: must start with sqlite:// or postgresql:// (value from ${AGAPE_DATABASE_URL}) "
            "(agape.yaml:2:8)");
  std::string origin = decodeError(std::string(kMinimal) + "server:\n  cors:\n    allowedOrigins: [\"${ORIGIN}\"]\n", env);
  EXPECT_EQ(origin,
            "server.cors.allowedOrigins[0]: (value from ${ORIGIN}) is not an origin such as https://shop.example.ng "
            "(scheme://host[:port], no path or trailing slash) or \"*\" (agape.yaml:5:22)");
  EXPECT_EQ(url.find("hunter2"), std::string::npos);
  EXPECT_EQ(origin.find("hunter2"), std::string::npos);
}

TEST(ConfigEnvTest, ValuesWrittenInTheFileAreQuotedInErrors) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  cors:\n    allowedOrigins: [https://shop.example.ng/]\n"),
            "server.cors.allowedOrigins[0]: \"https://shop.example.ng/\" is not an origin such as "
            "https://shop.example.ng (scheme://host[:port], no path or trailing slash) or \"*\" (agape.yaml:5:22)");
}

// ---- --set overrides ----

TEST(ConfigOverrideTest, ReplacesAndCreatesKeysWithTheirLocation) {
  auto doc = parseDoc("server:\n  port: 8080\n  host: 127.0.0.1\n",
                      {"server.port=9090", "server.cors.allowedOrigins=[https://a.example, https://b.example]",
                       "logging.level=debug"});
  auto server = doc.section("server");
  EXPECT_EQ(server->keys(), (std::vector<std::string>{"port", "host", "cors"}));  // replaced in place
  EXPECT_EQ(server->child("port")->scalar(), "9090");
  EXPECT_EQ(server->child("port")->location(), "--set server.port");
  EXPECT_EQ(server->child("host")->location(), "agape.yaml:3:9");
  auto origins = server->child("cors")->child("allowedOrigins");
  ASSERT_EQ(origins->size(), 2u);
  EXPECT_EQ(origins->at(1)->scalar(), "https://b.example");
  EXPECT_EQ(origins->at(1)->location(), "--set server.cors.allowedOrigins");
  EXPECT_EQ(doc.section("logging")->location(), "--set logging.level");
  EXPECT_EQ(doc.section("logging")->child("level")->scalar(), "debug");
}

TEST(ConfigOverrideTest, ErrorsAboutOverriddenValuesNameTheOverride) {
  std::string yaml = std::string(kMinimal) + "server:\n  port: 8080\n";
  EXPECT_EQ(errorOf([&] { decodeKernelConfig(parseDoc(yaml, {"server.port=70000"})); }),
            "server.port: must be between 0 and 65535 (--set server.port)");
}

TEST(ConfigOverrideTest, FillsAnEmptySectionAndMatchesDottedPluginIds) {
  auto doc = parseDoc("plugins:\n  enabled: [acme.loyalty]\nhello:\n",
                      {"hello.greeting=Hi", "acme.loyalty.points=5"});
  EXPECT_EQ(doc.section("hello")->child("greeting")->scalar(), "Hi");
  EXPECT_EQ(doc.section("acme.loyalty")->child("points")->scalar(), "5");
  EXPECT_EQ(doc.section("acme")->kind(), Kind::Missing);
}

TEST(ConfigOverrideTest, EmptyValueRestoresTheDefault) {
  auto doc = parseDoc(std::string(kMinimal) + "server:\n  port: 9999\n", {"server.port="});
  EXPECT_EQ(doc.section("server")->child("port")->kind(), Kind::Null);
  EXPECT_EQ(decodeKernelConfig(doc).server.port, 8080);
}

TEST(ConfigOverrideTest, ExpandsEnvironmentInValues) {
  auto doc = parseDoc("a: 1\n", {"a=${X}"}, {{"X", "from env"}});
  EXPECT_EQ(doc.root()->child("a")->scalar(), "from env");
}

TEST(ConfigOverrideTest, BadOverridesAreErrors) {
  std::string yaml = "server:\n  port: 8080\n";
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"foo"}); }), "--set foo: expected path=value");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"=1"}); }), "--set: expected path=value, the path is empty");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"server..port=1"}); }), "--set server..port: invalid path (empty key)");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"server=x"}); }), "--set server: server is a map; set its keys one by one");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"server.port.x=1"}); }), "--set server.port.x: server.port is not a map");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"server.port={a: 1}"}); }),
            "--set server.port: the value must be a scalar or a flat list such as [a, b]");
  EXPECT_EQ(errorOf([&] { parseDoc(yaml, {"plugins.enabled[0]=x"}); }),
            "--set plugins.enabled[0]: list items cannot be set one by one; set the whole list, e.g. key=[a, b]");
  // The value may be a secret: a syntax error in it is reported without it.
  std::string e = errorOf([&] { parseDoc(yaml, {"database.url=[hunter2"}); });
  EXPECT_EQ(e, "--set database.url: syntax error: end of sequence flow not found");
}

// ---- Kernel sections ----

TEST(KernelConfigTest, DefaultsWithOnlyTheDatabase) {
  KernelConfig c = decodeKernelConfig(parseDoc(kMinimal));
  EXPECT_EQ(c.environment, "development");
  EXPECT_EQ(c.dataDir, "/srv/agape/config/data");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.maxBodyBytes, 1u << 20);
  EXPECT_EQ(c.server.sendTimeout, 30s);
  EXPECT_TRUE(c.server.cors.allowedOrigins.empty());
  ASSERT_EQ(c.server.rateLimits.size(), 1u);
  EXPECT_EQ(c.server.rateLimits.at("default").requests, 100);
  EXPECT_EQ(c.server.rateLimits.at("default").per, 1s);
  EXPECT_EQ(c.server.rateLimits.at("default").burst, 200);
  EXPECT_EQ(c.database.url, "sqlite:///var/lib/agape/agape.db");
  EXPECT_EQ(c.database.poolSize, 8);
  EXPECT_TRUE(c.database.autoMigrate);
  EXPECT_TRUE(c.database.preparedStatements);
  EXPECT_EQ(c.database.keepalivesIdle, 10s);
  EXPECT_EQ(c.database.keepalivesInterval, 5s);
  EXPECT_EQ(c.database.keepalivesCount, 3);
  EXPECT_EQ(c.database.tcpUserTimeout, 10s);
  EXPECT_TRUE(c.server.trustedProxies.empty());
  EXPECT_EQ(c.server.metricsAllow, (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
  EXPECT_EQ(c.logging.level, "info");
  EXPECT_TRUE(c.plugins.enabled.empty());
}

TEST(KernelConfigTest, DecodesEveryKey) {
  KernelConfig c = decodeKernelConfig(parseDoc(R"(environment: production
dataDir: /var/lib/agape
server:
  host: 0.0.0.0
  port: 0
  ioThreads: 4
  workerThreads: 16
  maxBodyBytes: 64KiB
  shutdownGrace: 250ms
  keepAliveTimeout: 2m
  sendTimeout: 45s
  trustedProxies: [127.0.0.1/32, 10.0.0.0/8, "::1/128"]
  metricsAllow: []
  cors:
    allowedOrigins: [https://shop.example.ng, "http://localhost:3000"]
    allowedHeaders: [Authorization]
    exposedHeaders: [X-Request-Id, ETag]
    allowCredentials: true
    maxAge: 1h
  rateLimits:
    auth: {requests: 10, per: 1m}
    search: {requests: 0.5, per: 1s, burst: 3}
database:
  url: postgresql://agape@db:5432/agape
  poolSize: 32
  busyTimeout: 1s
  acquireTimeout: 3s
  keepalivesIdle: 30s
  keepalivesInterval: 2s
  keepalivesCount: 5
  tcpUserTimeout: 4s
  autoMigrate: false
  preparedStatements: false
logging:
  level: warn
  accessLog: no
plugins:
  paths: [/usr/lib/agape/plugins/]
  migrationPaths: [/usr/share/agape/migrations]
  enabled:
    - hello
    - id: acme.loyalty
      file: /opt/agape/plugins/libacme_loyalty.so
      migrations: /opt/agape/acme-loyalty/migrations
)"));
  EXPECT_EQ(c.environment, "production");
  EXPECT_EQ(c.dataDir, "/var/lib/agape");
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.port, 0);
  EXPECT_EQ(c.server.ioThreads, 4);
  EXPECT_EQ(c.server.workerThreads, 16);
  EXPECT_EQ(c.server.maxBodyBytes, 64u * 1024);
  EXPECT_EQ(c.server.shutdownGrace, 250ms);
  EXPECT_EQ(c.server.keepAliveTimeout, 2min);
  EXPECT_EQ(c.server.sendTimeout, 45s);
  EXPECT_EQ(c.server.trustedProxies, (std::vector<std::string>{"127.0.0.1/32", "10.0.0.0/8", "::1/128"}));
  EXPECT_TRUE(c.server.metricsAllow.empty());
  EXPECT_EQ(c.server.cors.allowedOrigins,
            (std::vector<std::string>{"https://shop.example.ng", "http://localhost:3000"}));
  EXPECT_EQ(c.server.cors.allowedHeaders, (std::vector<std::string>{"Authorization"}));
  EXPECT_EQ(c.server.cors.exposedHeaders, (std::vector<std::string>{"X-Request-Id", "ETag"}));
  EXPECT_TRUE(c.server.cors.allowCredentials);
  EXPECT_EQ(c.server.cors.maxAge, 1h);
  ASSERT_EQ(c.server.rateLimits.size(), 3u);
  EXPECT_EQ(c.server.rateLimits.at("default").requests, 100);
  EXPECT_EQ(c.server.rateLimits.at("auth").requests, 10);
  EXPECT_EQ(c.server.rateLimits.at("auth").per, 1min);
  EXPECT_EQ(c.server.rateLimits.at("auth").burst, 10);  // defaults to requests
  EXPECT_EQ(c.server.rateLimits.at("search").requests, 0.5);
  EXPECT_EQ(c.server.rateLimits.at("search").burst, 3);
  EXPECT_EQ(c.database.url, "postgresql://agape@db:5432/agape");
  EXPECT_EQ(c.database.poolSize, 32);
  EXPECT_EQ(c.database.busyTimeout, 1s);
  EXPECT_EQ(c.database.acquireTimeout, 3s);
  EXPECT_EQ(c.database.keepalivesIdle, 30s);
  EXPECT_EQ(c.database.keepalivesInterval, 2s);
  EXPECT_EQ(c.database.keepalivesCount, 5);
  EXPECT_EQ(c.database.tcpUserTimeout, 4s);
  EXPECT_FALSE(c.database.autoMigrate);
  EXPECT_FALSE(c.database.preparedStatements);
  EXPECT_EQ(c.logging.level, "warn");
  EXPECT_FALSE(c.logging.accessLog);
  EXPECT_EQ(c.plugins.paths, (std::vector<std::string>{"/usr/lib/agape/plugins"}));
  EXPECT_EQ(c.plugins.migrationPaths, (std::vector<std::string>{"/usr/share/agape/migrations"}));
  ASSERT_EQ(c.plugins.enabled.size(), 2u);
  EXPECT_EQ(c.plugins.enabled[0].id, "hello");
  EXPECT_EQ(c.plugins.enabled[0].file, "");
  EXPECT_EQ(c.plugins.enabled[0].location, "agape.yaml:41:7");
  EXPECT_EQ(c.plugins.enabled[1].id, "acme.loyalty");
  EXPECT_EQ(c.plugins.enabled[1].file, "/opt/agape/plugins/libacme_loyalty.so");
  EXPECT_EQ(c.plugins.enabled[1].migrations, "/opt/agape/acme-loyalty/migrations");
}

TEST(KernelConfigTest, RelativePathsResolveAgainstTheFilesDirectory) {
  KernelConfig c = decodeKernelConfig(parseDoc(R"(dataDir: ../data
database:
  url: sqlite://../data/./agape.db
plugins:
  paths: [../build/lib, ./lib/]
  migrationPaths: [../migrations]
  enabled:
    - id: acme.loyalty
      file: plugins/../libacme_loyalty.so
      migrations: acme/migrations
)"));
  EXPECT_EQ(c.dataDir, "/srv/agape/data");
  EXPECT_EQ(c.database.url, "sqlite:///srv/agape/data/agape.db");
  EXPECT_EQ(c.plugins.paths, (std::vector<std::string>{"/srv/agape/build/lib", "/srv/agape/config/lib"}));
  EXPECT_EQ(c.plugins.migrationPaths, (std::vector<std::string>{"/srv/agape/migrations"}));
  EXPECT_EQ(c.plugins.enabled[0].file, "/srv/agape/config/libacme_loyalty.so");
  EXPECT_EQ(c.plugins.enabled[0].migrations, "/srv/agape/config/acme/migrations");
}

TEST(KernelConfigTest, SqliteUrlsThatNeedNoResolution) {
  auto urlOf = [](const std::string& url) {
    return decodeKernelConfig(parseDoc("database:\n  url: \"" + url + "\"\n")).database.url;
  };
  EXPECT_EQ(urlOf("sqlite://:memory:"), "sqlite://:memory:");
  EXPECT_EQ(urlOf("sqlite://agape.db?mode=ro"), "sqlite:///srv/agape/config/agape.db?mode=ro");
  EXPECT_EQ(urlOf("postgres://u@h/db"), "postgres://u@h/db");
}

TEST(KernelConfigTest, LoadResolvesAgainstTheDirectoryOfTheFile) {
  auto dir = std::filesystem::temp_directory_path() / ("agape_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "etc");
  {
    std::ofstream(dir / "etc" / "agape.yaml") << "dataDir: ../var\ndatabase:\n  url: sqlite://db.sqlite\n";
  }
  auto doc = ConfigDocument::load((dir / "etc" / "agape.yaml").string(), {}, envOf({}));
  EXPECT_EQ(doc.baseDir(), (dir / "etc").string());
  EXPECT_EQ(doc.displayName(), (dir / "etc" / "agape.yaml").string());
  KernelConfig c = decodeKernelConfig(doc);
  EXPECT_EQ(c.dataDir, (dir / "var").string());
  EXPECT_EQ(c.database.url, "sqlite://" + (dir / "etc" / "db.sqlite").string());
  std::filesystem::remove_all(dir);
}

TEST(KernelConfigTest, UnknownKeyAtDepth) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  cors:\n    allowedOrigin: [https://a.example]\n"),
            "server.cors.allowedOrigin: unknown key (agape.yaml:5:5)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    auth: {requests: 1, burts: 2}\n"),
            "server.rateLimits.auth.burts: unknown key (agape.yaml:5:32)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled:\n    - {id: hello, path: x}\n"),
            "plugins.enabled[0].path: unknown key (agape.yaml:5:25)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "logging:\n  colour: true\n"),
            "logging.colour: unknown key (agape.yaml:4:11)");
}

TEST(KernelConfigTest, IntegerRange) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  port: 65536\n"),
            "server.port: must be between 0 and 65535 (agape.yaml:4:9)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  workerThreads: 0\n"),
            "server.workerThreads: must be between 1 and 256 (agape.yaml:4:18)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  ioThreads: two\n"),
            "server.ioThreads: must be an integer (agape.yaml:4:14)");
  EXPECT_EQ(decodeError("database:\n  url: sqlite://a.db\n  poolSize: 513\n"),
            "database.poolSize: must be between 1 and 512 (agape.yaml:3:13)");
}

TEST(KernelConfigTest, BadDurationAndSize) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  shutdownGrace: 10 seconds\n"),
            "server.shutdownGrace: must be a duration such as 250ms, 30s, 15m, 24h or 30d (agape.yaml:4:18)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  keepAliveTimeout: 0s\n"),
            "server.keepAliveTimeout: must be greater than 0 (agape.yaml:4:21)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  sendTimeout: 0s\n"),
            "server.sendTimeout: must be greater than 0 (agape.yaml:4:16)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  maxBodyBytes: 1TB\n"),
            "server.maxBodyBytes: must be a size such as 4096, 64KiB or 1MiB (agape.yaml:4:17)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  maxBodyBytes: 2GiB\n"),
            "server.maxBodyBytes: must be between 1 and 1GiB (agape.yaml:4:17)");
}

TEST(KernelConfigTest, BadEnum) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "environment: staging\n"),
            "environment: must be one of development, production (agape.yaml:3:14)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "logging:\n  level: verbose\n"),
            "logging.level: must be one of debug, info, warn, error (agape.yaml:4:10)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "logging:\n  accessLog: sometimes\n"),
            "logging.accessLog: must be true or false (agape.yaml:4:14)");
}

TEST(KernelConfigTest, DatabaseUrl) {
  EXPECT_EQ(decodeError("server:\n  port: 1\n"), "database.url: is required");
  EXPECT_EQ(decodeError("database:\n  poolSize: 2\n"), "database.url: is required (agape.yaml:1:1)");
  EXPECT_EQ(decodeError("database:\n  url: mysql://x\n"),
            "database.url: must start with sqlite:// or postgresql:// (agape.yaml:2:8)");
  EXPECT_EQ(decodeError("database:\n  url: sqlite://\n"),
            "database.url: must name a database file, e.g. sqlite://../data/agape.db (agape.yaml:2:8)");
}

TEST(KernelConfigTest, DatabaseUrlFromEnvironmentWithDefault) {
  std::string yaml = "database:\n  url: ${AGAPE_DATABASE_URL:-sqlite://../data/agape.db}\n";
  EXPECT_EQ(decodeKernelConfig(parseDoc(yaml)).database.url, "sqlite:///srv/agape/data/agape.db");
  EXPECT_EQ(decodeKernelConfig(parseDoc(yaml, {}, {{"AGAPE_DATABASE_URL", "postgresql://u:pw@h/db"}})).database.url,
            "postgresql://u:pw@h/db");
}

TEST(KernelConfigTest, UnsetEnvironmentVariableInAKernelSection) {
  EXPECT_EQ(decodeError("database:\n  url: ${AGAPE_DATABASE_URL}\n"),
            "database.url: environment variable AGAPE_DATABASE_URL is not set (agape.yaml:2:8)");
}

TEST(KernelConfigTest, CorsRules) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  cors:\n    allowedOrigins: [\"*\"]\n    allowCredentials: true\n"),
            "server.cors.allowCredentials: cannot be true when allowedOrigins contains \"*\" (agape.yaml:6:23)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  cors:\n    allowedHeaders: [\"X Bad\"]\n"),
            "server.cors.allowedHeaders[0]: \"X Bad\" is not a header name (agape.yaml:5:22)");
  auto c = decodeKernelConfig(parseDoc(std::string(kMinimal) + "server:\n  cors:\n    allowedOrigins: [\"*\"]\n"));
  EXPECT_EQ(c.server.cors.allowedOrigins, (std::vector<std::string>{"*"}));
}

TEST(KernelConfigTest, RateLimitRules) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    auth: {per: 1m}\n"),
            "server.rateLimits.auth.requests: is required (agape.yaml:5:5)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    auth: {requests: 0}\n"),
            "server.rateLimits.auth.requests: must be greater than 0 (agape.yaml:5:22)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    auth: {requests: nan}\n"),
            "server.rateLimits.auth.requests: must be between 0 and 1000000000 (agape.yaml:5:22)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    none: {requests: 1}\n"),
            "server.rateLimits.none: \"none\" is reserved: routes use it to disable rate limiting (agape.yaml:5:5)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    Auth: {requests: 1}\n"),
            "server.rateLimits.Auth: invalid class name; use lowercase letters, digits, '_' and '-', starting with "
            "a letter (agape.yaml:5:5)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  rateLimits:\n    auth: 10\n"),
            "server.rateLimits.auth: must be a map such as {requests: 100, per: 1s, burst: 200} (agape.yaml:5:11)");
}

TEST(KernelConfigTest, TrustForwardedForNamesItsReplacement) {
  for (const char* value : {"true", "false"})
    EXPECT_EQ(
        decodeError(std::string(kMinimal) + "server:\n  trustForwardedFor: " + value + "\n"),
        "server.trustForwardedFor: was replaced by server.trustedProxies (CIDR list): name the proxies whose "
        "X-Forwarded-For is believed, e.g. trustedProxies: [127.0.0.1/32] behind nginx on the same host "
        "(agape.yaml:4:22)");
}

TEST(KernelConfigTest, NetworkListsAreCheckedWhereTheyAreWritten) {
  EXPECT_EQ(
      decodeError(std::string(kMinimal) + "server:\n  trustedProxies: [10.0.0.0/8, 10.0.0.1/8]\n"),
      "server.trustedProxies[1]: \"10.0.0.1/8\" has address bits set beyond its prefix length (a network is "
      "written with them zero, such as 10.0.0.0/8; a single address without a prefix) (agape.yaml:4:32)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  trustedProxies: [10.0.0.0/33]\n"),
            "server.trustedProxies[0]: \"10.0.0.0/33\" has a prefix length that is not a number from 0 to 32 "
            "(agape.yaml:4:20)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server:\n  metricsAllow: [localhost]\n"),
            "server.metricsAllow[0]: \"localhost\" is not an IP network such as 10.0.0.0/8, 192.0.2.7 or "
            "\"::1/128\" (agape.yaml:4:18)");
  EXPECT_EQ(
      decodeError(std::string(kMinimal) + "server:\n  trustedProxies: 127.0.0.1/32\n"),
      "server.trustedProxies: must be a list of IP networks such as [127.0.0.1/32, 10.0.0.0/8, \"::1/128\"] "
      "(agape.yaml:4:19)");
  auto c = decodeKernelConfig(
      parseDoc(std::string(kMinimal) + "server:\n  trustedProxies: [192.0.2.7, \"2001:db8::/32\"]\n"));
  EXPECT_EQ(c.server.trustedProxies, (std::vector<std::string>{"192.0.2.7", "2001:db8::/32"}));
}

TEST(KernelConfigTest, DatabaseNetworkTimeouts) {
  const std::string db = "database:\n  url: sqlite:///var/lib/agape/agape.db\n";
  EXPECT_EQ(decodeError(db + "  tcpUserTimeout: 500ms\n"),
            "database.tcpUserTimeout: must be between 1s and 10m (agape.yaml:3:19)");
  EXPECT_EQ(decodeError(db + "  keepalivesIdle: 0s\n"),
            "database.keepalivesIdle: must be between 1s and 2h (agape.yaml:3:19)");
  EXPECT_EQ(decodeError(db + "  keepalivesCount: 0\n"),
            "database.keepalivesCount: must be between 1 and 100 (agape.yaml:3:20)");
}

TEST(KernelConfigTest, SectionsMustBeMaps) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "server: 8080\n"), "server: must be a map (agape.yaml:3:9)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled: hello\n"),
            "plugins.enabled: must be a list of plugin ids or {id, file, migrations} maps (agape.yaml:4:12)");
}

TEST(KernelConfigTest, InvalidPluginIds) {
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled: [hello, Acme.Loyalty]\n"),
            "plugins.enabled[1]: \"Acme.Loyalty\" is not a valid plugin id: lowercase words of letters, digits and "
            "'_' separated by dots, e.g. acme.loyalty (agape.yaml:4:20)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled:\n    - id: acme..loyalty\n"),
            "plugins.enabled[0].id: \"acme..loyalty\" is not a valid plugin id: lowercase words of letters, digits "
            "and '_' separated by dots, e.g. acme.loyalty (agape.yaml:5:11)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled: [server]\n"),
            "plugins.enabled[0]: \"server\" is a kernel section and cannot be a plugin id (agape.yaml:4:13)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled: [hello, {id: hello}]\n"),
            "plugins.enabled[1]: plugin \"hello\" is enabled twice (first at agape.yaml:4:13) (agape.yaml:4:20)");
  EXPECT_EQ(decodeError(std::string(kMinimal) + "plugins:\n  enabled:\n    - file: x.so\n"),
            "plugins.enabled[0].id: is required (agape.yaml:5:7)");
}

TEST(KernelConfigTest, PluginIdPattern) {
  for (const char* ok : {"hello", "acme.loyalty", "a1_b.c2", "x"}) EXPECT_TRUE(isValidPluginId(ok)) << ok;
  for (const char* bad : {"", "Hello", "1a", "a.", ".a", "a..b", "a-b", "a._b", "a.1b"})
    EXPECT_FALSE(isValidPluginId(bad)) << bad;
}

TEST(KernelConfigTest, TopLevelKeys) {
  auto doc = parseDoc(std::string(kMinimal) + "hello:\n  greeting: Hi\nacme.loyalty:\n  points: 5\ncart:\n  max: 1\n");
  EXPECT_EQ(errorOf([&] { checkTopLevelKeys(doc, {"hello", "acme.loyalty"}); }),
            "cart: unknown key (not a kernel section nor an enabled plugin) (agape.yaml:7:1)");
  EXPECT_NO_THROW(checkTopLevelKeys(doc, {"hello", "acme.loyalty", "cart"}));
  EXPECT_EQ(errorOf([&] { checkTopLevelKeys(parseDoc("dataDir: x\nsever: {}\n"), {}); }),
            "sever: unknown key (not a kernel section nor an enabled plugin) (agape.yaml:2:1)");
}

// ---- The shipped configuration files ----

TEST(ShippedConfigTest, DevelopmentFileLoadsAndDecodes) {
  std::string file = std::string(AGAPE_SOURCE_DIR) + "/config/agape.yaml";
  auto doc = ConfigDocument::load(file, {}, envOf({}));
  KernelConfig c = decodeKernelConfig(doc);
  std::vector<std::string> ids;
  for (const auto& e : c.plugins.enabled) ids.push_back(e.id);
  checkTopLevelKeys(doc, ids);
  std::string root = std::filesystem::path(AGAPE_SOURCE_DIR).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  EXPECT_EQ(c.environment, "development");
  EXPECT_EQ(c.dataDir, root + "/data");
  EXPECT_EQ(c.database.url, "sqlite://" + root + "/data/agape.db");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.plugins.paths, (std::vector<std::string>{root + "/build/lib"}));
  EXPECT_EQ(c.plugins.migrationPaths, (std::vector<std::string>{root + "/migrations"}));
  EXPECT_EQ(ids, (std::vector<std::string>{"hello", "auth", "media", "catalog", "inventory", "cart", "orders", "payments",
                                           "notifications", "admin", "demo"}));
  EXPECT_EQ(doc.section("hello")->child("greeting")->scalar(), "Hello");
  EXPECT_EQ(doc.section("demo")->child("catalogue")->scalar(), "true");
  EXPECT_EQ(doc.section("demo")->child("stock")->scalar(), "true");

  auto overridden = ConfigDocument::load(file, {"server.port=9090"},
                                         envOf({{"AGAPE_DATABASE_URL", "postgresql://agape@localhost/agape"}}));
  KernelConfig o = decodeKernelConfig(overridden);
  EXPECT_EQ(o.server.port, 9090);
  EXPECT_EQ(o.database.url, "postgresql://agape@localhost/agape");
}

TEST(ShippedConfigTest, ProductionFileLoadsAndDecodes) {
  std::string file = std::string(AGAPE_SOURCE_DIR) + "/config/agape.production.yaml";
  auto doc = ConfigDocument::load(file, {}, envOf({{"AGAPE_DATABASE_URL", "postgresql://agape:pw@db:5432/agape"}}));
  KernelConfig c = decodeKernelConfig(doc);
  std::vector<std::string> ids;
  for (const auto& e : c.plugins.enabled) ids.push_back(e.id);
  checkTopLevelKeys(doc, ids);
  EXPECT_EQ(c.environment, "production");
  EXPECT_EQ(c.database.url, "postgresql://agape:pw@db:5432/agape");
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.trustedProxies, (std::vector<std::string>{"127.0.0.1/32", "::1/128"}));
  EXPECT_EQ(c.server.cors.allowedOrigins, (std::vector<std::string>{"https://shop.example.ng"}));
  EXPECT_LT(c.server.rateLimits.at("auth").requests, c.server.rateLimits.at("default").requests);
  EXPECT_EQ(c.plugins.paths, (std::vector<std::string>{"/usr/lib/agape/plugins"}));
  EXPECT_EQ(c.plugins.migrationPaths, (std::vector<std::string>{"/usr/share/agape/migrations"}));
  // The shop's plugins only: the example plugin is not part of a production server.
  EXPECT_EQ(ids, (std::vector<std::string>{"auth", "media", "catalog", "inventory", "cart", "orders", "payments",
                                           "notifications", "admin"}));
  EXPECT_FALSE(doc.section("hello")->present());
  EXPECT_FALSE(doc.section("demo")->present());  // no demo data in production

  std::string e = errorOf([&] { decodeKernelConfig(ConfigDocument::load(file, {}, envOf({}))); });
  EXPECT_TRUE(e.rfind("database.url: environment variable AGAPE_DATABASE_URL is not set (", 0) == 0) << e;
  EXPECT_NE(e.find("agape.production.yaml:"), std::string::npos) << e;
}

// ---- The SDK's ConfigDecoder ----

TEST(ConfigDecoderTest, FinishRefusesUnknownKeys) {
  auto doc = parseDoc("cart:\n  maxQuantity: 5\n  maxQuantty: 6\n");
  auto cart = doc.section("cart");
  agape::ConfigDecoder d(*cart);
  EXPECT_EQ(d.integer("maxQuantity", 1, 1, 100), 5);
  EXPECT_EQ(errorOf([&] { d.finish(); }), "cart.maxQuantty: unknown key (agape.yaml:3:15)");
}

TEST(ConfigDecoderTest, MissingSectionReadsAsEmptyMap) {
  auto doc = parseDoc("a: 1\n");
  auto cart = doc.section("cart");
  agape::ConfigDecoder d(*cart);
  EXPECT_EQ(d.string("currency", "NGN"), "NGN");
  EXPECT_EQ(d.strings("tags", {"x"}), (std::vector<std::string>{"x"}));
  EXPECT_NO_THROW(d.finish());
  EXPECT_EQ(errorOf([&] { d.requiredString("secret"); }), "cart.secret: is required");
}

TEST(ConfigDecoderTest, DurationsAndSizes) {
  EXPECT_EQ(agape::parseDuration("250ms"), 250ms);
  EXPECT_EQ(agape::parseDuration("30s"), 30s);
  EXPECT_EQ(agape::parseDuration(" 15m "), 15min);
  EXPECT_EQ(agape::parseDuration("24h"), 24h);
  EXPECT_EQ(agape::parseDuration("30d"), std::chrono::hours(24 * 30));
  EXPECT_EQ(agape::parseDuration("0s"), 0ms);
  for (const char* bad : {"", "s", "10", "1.5s", "-1s", "10 sec", "9999999999999999999d", "999999999999999999d"})
    EXPECT_FALSE(agape::parseDuration(bad).has_value()) << bad;

  EXPECT_EQ(agape::parseBytes("512"), 512u);
  EXPECT_EQ(agape::parseBytes("64KiB"), 64u * 1024);
  EXPECT_EQ(agape::parseBytes("1MiB"), 1u << 20);
  EXPECT_EQ(agape::parseBytes("2GiB"), std::size_t{2} << 30);
  for (const char* bad : {"", "KiB", "1TiB", "1.5MiB", "-1", "99999999999999999999G"})
    EXPECT_FALSE(agape::parseBytes(bad).has_value()) << bad;

  auto doc = parseDoc("c:\n  ttl: 15m\n  size: 64KiB\n  bad: 5 minutes\n");
  auto c = doc.section("c");
  agape::ConfigDecoder d(*c);
  EXPECT_EQ(d.duration("ttl", 1s), 15min);
  EXPECT_EQ(d.duration("other", 1s), 1s);
  EXPECT_EQ(d.bytes("size", 1), 64u * 1024);
  EXPECT_EQ(errorOf([&] { d.duration("bad", 1s); }),
            "c.bad: must be a duration such as 250ms, 30s, 15m, 24h or 30d (agape.yaml:4:8)");
}

TEST(ConfigDecoderTest, ChoiceNumberBooleanAndStrings) {
  auto doc = parseDoc(
      "c:\n  mode: fast\n  bad: turbo\n  ratio: 0.25\n  flag: yes\n  list: [a, b]\n  notList: a\n  nested: {x: 1}\n");
  auto c = doc.section("c");
  agape::ConfigDecoder d(*c);
  EXPECT_EQ(d.choice("mode", "slow", {"slow", "fast"}), "fast");
  EXPECT_EQ(d.choice("absent", "slow", {"slow", "fast"}), "slow");
  EXPECT_EQ(errorOf([&] { d.choice("bad", "slow", {"slow", "fast"}); }),
            "c.bad: must be one of slow, fast (agape.yaml:3:8)");
  EXPECT_DOUBLE_EQ(d.number("ratio", 1, 0, 1), 0.25);
  EXPECT_TRUE(d.boolean("flag", false));
  EXPECT_EQ(d.strings("list", {}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(errorOf([&] { d.strings("notList", {}); }), "c.notList: must be a list of strings (agape.yaml:7:12)");
  EXPECT_EQ(errorOf([&] { d.string("nested", ""); }), "c.nested: must be a string (agape.yaml:8:3)");
  EXPECT_NO_THROW(d.finish());
}

TEST(ConfigDecoderTest, SectionThatIsNotAMap) {
  auto doc = parseDoc("c: 5\n");
  auto c = doc.section("c");
  EXPECT_EQ(errorOf([&] { agape::ConfigDecoder d(*c); }), "c: must be a map (agape.yaml:1:4)");
}

}  // namespace
}  // namespace agape::kernel

namespace agape::kernel {
namespace {

TEST(JobsConfigTest, DefaultsAndOverrides) {
  KernelConfig defaults = decodeKernelConfig(parseDoc(kMinimal));
  EXPECT_TRUE(defaults.jobs.enabled);
  EXPECT_EQ(defaults.jobs.pollInterval, std::chrono::milliseconds(200));
  EXPECT_EQ(defaults.jobs.retention, std::chrono::hours(24 * 7));
  EXPECT_TRUE(defaults.jobs.queues.empty());

  KernelConfig c = decodeKernelConfig(parseDoc(std::string(kMinimal) +
                                               "jobs:\n"
                                               "  enabled: false\n"
                                               "  pollInterval: 50ms\n"
                                               "  retention: 30d\n"
                                               "  queues:\n"
                                               "    mail.send: {concurrency: 4, lease: 2m}\n"
                                               "    events.search.reindex: {concurrency: 2}\n"
                                               "  schedules:\n"
                                               "    orders:\n"
                                               "      expire_unpaid: \"*/10 * * * *\"\n"));
  EXPECT_FALSE(c.jobs.enabled);
  EXPECT_EQ(c.jobs.pollInterval, std::chrono::milliseconds(50));
  EXPECT_EQ(c.jobs.retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.jobs.queues.at("mail.send").concurrency, 4);
  EXPECT_EQ(c.jobs.queues.at("mail.send").lease, std::chrono::minutes(2));
  EXPECT_EQ(c.jobs.queues.at("events.search.reindex").lease, std::chrono::milliseconds(0));
  EXPECT_EQ(c.jobs.schedules.at("orders").at("expire_unpaid"), "*/10 * * * *");
}

TEST(JobsConfigTest, ErrorsNameTheKey) {
  const std::string base = std::string(kMinimal) + "jobs:\n";
  EXPECT_NE(decodeError(base + "  pollInterval: 1ms\n").find("jobs.pollInterval: must be between 10ms and 1m"),
            std::string::npos);
  EXPECT_NE(decodeError(base + "  retention: 30m\n").find("jobs.retention: must be 0 (keep for ever) or at least 1h"),
            std::string::npos);
  EXPECT_NE(decodeError(base + "  queues:\n    q: {concurrency: 0}\n").find("jobs.queues.q.concurrency"),
            std::string::npos);
  EXPECT_NE(decodeError(base + "  queues:\n    q: {workers: 3}\n").find("jobs.queues.q.workers: unknown key"),
            std::string::npos)
      << decodeError(base + "  queues:\n    q: {workers: 3}\n");
  const std::string cron = decodeError(base + "  schedules:\n    orders:\n      expire: \"61 * * * *\"\n");
  EXPECT_NE(cron.find("jobs.schedules.orders.expire: minute field"), std::string::npos) << cron;
  EXPECT_NE(decodeError(base + "  retries: 3\n").find("jobs.retries: unknown key"), std::string::npos);
}

}  // namespace
}  // namespace agape::kernel
