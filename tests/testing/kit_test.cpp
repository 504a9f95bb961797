// The testing kit on a sample plugin: the lifecycle, requests through the
// kernel's middleware, events, jobs and schedules by the manual clock, the
// audit trail, metrics, logs and commands, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <agape/audit.h>
#include <agape/auth.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/secret_box.h>
#include <agape/testing/config_text.h>
#include <agape/testing/database_test.h>
#include <agape/testing/plugin_kit.h>

#include "sample_plugin.h"

namespace agape::testing {
namespace {

using namespace std::chrono_literals;

class KitTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    kit_ = std::make_unique<PluginKit>("sample", sample::makeSamplePlugin(),
                                       PluginKitOptions{.backend = backend(),
                                                        .migrations = AGAPE_SAMPLE_MIGRATIONS,
                                                        .config = "sample:\n  greeting: Sannu\n  maxBody: 60\n"});
  }
  TestResponse note(const std::string& id, const std::string& body = "text") {
    return kit_->request(Method::Post, "/v1/sample/notes").as("u-ada").json(Json{{"id", id}, {"body", body}}).send();
  }

  std::unique_ptr<PluginKit> kit_;
};

TEST_P(KitTest, RequestsGoThroughTheKernelsChain) {
  kit_->start();
  TestResponse created = note("n-1");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json::parse(created.body)["greeting"], "Sannu") << "configured from the YAML";
  EXPECT_FALSE(created.header("X-Request-Id").empty());
  EXPECT_EQ(created.header("X-Content-Type-Options"), "nosniff");

  TestResponse read = kit_->request(Method::Get, "/v1/sample/notes/n-1").send();
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(Json::parse(read.body), (Json{{"id", "n-1"}, {"body", "text"}, {"author", "u-ada"}}));

  TestResponse missing = kit_->request(Method::Get, "/v1/sample/notes/n-9").send();
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.problemCode(), "not_found");
  EXPECT_EQ(Json::parse(missing.body)["requestId"], missing.header("X-Request-Id"));
  EXPECT_EQ(kit_->request(Method::Get, "/v1/nothing").send().problemCode(), "not_found");
  TestResponse put = kit_->request(Method::Put, "/v1/sample/notes/n-1").send();
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.header("Allow"), "GET, DELETE, HEAD");

  EXPECT_EQ(kit_->request(Method::Post, "/v1/sample/notes").json(R"({"id":"n-2","body":"x"})").send().status, 401);
  EXPECT_EQ(kit_->request(Method::Delete, "/v1/sample/notes/n-1").as("u-ada", {"customer"}).send().status, 403);
  EXPECT_EQ(kit_->request(Method::Delete, "/v1/sample/notes/n-1").as("u-ed", {"editor"}).send().status, 204);
  EXPECT_EQ(kit_->request(Method::Get, "/v1/sample/notes/n-1").send().status, 404);

  TestResponse invalid = note("n-3", std::string(80, 'x'));
  EXPECT_EQ(invalid.status, 413) << "the route's own body limit";
  TestResponse text = kit_->request(Method::Post, "/v1/sample/notes").as("u-ada").body("id=1", "text/plain").send();
  EXPECT_EQ(text.status, 415);
  TestResponse unknown =
      kit_->request(Method::Post, "/v1/sample/notes").as("u-ada").json(R"({"id":"n-4","body":"x","colour":1})").send();
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.problemFields(), std::vector<std::string>{"colour"});

  TestResponse boom = kit_->request(Method::Get, "/v1/sample/boom").send();
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.problemCode(), "internal");
  EXPECT_EQ(boom.body.find("secret detail"), std::string::npos);

  TestResponse echo = kit_->request(Method::Get, "/v1/sample/echo?q=ankara%20dress&x=1").from("10.0.0.7").send();
  EXPECT_EQ(Json::parse(echo.body), (Json{{"q", "ankara dress"}, {"ip", "10.0.0.7"}, {"caller", ""}}));
  TestResponse badParam = kit_->request(Method::Get, "/v1/sample/notes/%FF").send();
  EXPECT_EQ(badParam.status, 400) << "invalid UTF-8 in a path parameter, as the server refuses it";

  TestResponse exported = kit_->request(Method::Get, "/v1/sample/export").send();
  EXPECT_TRUE(exported.streamed);
  EXPECT_EQ(exported.body, "line 1\nline 2\nline 3\n");
  TestResponse head = kit_->request(Method::Head, "/v1/sample/notes/n-9").send();
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
}

// Bearer tokens of the form "Bearer <user>:<role>".
class FakeTokens final : public Authenticator {
 public:
  std::optional<Principal> authenticate(const Request& request) const override {
    auto h = request.header("Authorization");
    if (!h) return std::nullopt;
    const std::string v(*h);
    const auto colon = v.find(':');
    if (v.rfind("Bearer ", 0) != 0 || colon == std::string::npos) throw Problem::unauthorized("Invalid token.");
    return Principal{v.substr(7, colon - 7), "s-1", {v.substr(colon + 1)}};
  }
};

TEST_P(KitTest, AnAuthenticatorServiceReadsCredentials) {
  kit_->services().provide<Authenticator>(std::make_shared<FakeTokens>());
  kit_->start();
  auto echo = [&](const std::string& authorization) {
    return kit_->request(Method::Get, "/v1/sample/echo").header("Authorization", authorization).send();
  };
  EXPECT_EQ(Json::parse(echo("Bearer u-bola:admin").body)["caller"], "u-bola");
  EXPECT_EQ(echo("Basic nope").status, 401) << "invalid credentials are refused even on a public route";
  EXPECT_EQ(kit_->request(Method::Delete, "/v1/sample/notes/x").header("Authorization", "Bearer u-b:editor").send().status,
            204);
}

TEST_P(KitTest, EventsAreRecordedAtCommitAndDeliveredOnDemand) {
  kit_->start();
  ASSERT_EQ(note("n-1").status, 201);
  EXPECT_EQ(note("n-2", "roll back").status, 409);
  auto published = kit_->context().published("sample.noted");
  ASSERT_EQ(published.size(), 1u) << "the rolled-back publish is not listed";
  EXPECT_EQ(Json::parse(published[0].payload), (Json{{"id", "n-1"}}));
  EXPECT_FALSE(published[0].requestId.empty());
  EXPECT_EQ(published[0].schemaVersion, 2);
  const auto typed = kit_->context().published<sample::NoteWritten>();
  ASSERT_EQ(typed.size(), 1u);
  EXPECT_EQ(typed[0].id, "n-1");
  EXPECT_EQ(kit_->context().published("sample.*").size(), 1u);
  EXPECT_TRUE(kit_->context().published("other.thing").empty());

  kit_->context().publish("other.thing", R"({"id":"from-elsewhere"})");
  kit_->context().publish(sample::NoteWritten{"n-elsewhere"});  // typed, as another plugin would: not copied
  kit_->context().publish("unrelated.thing", R"({"id":"ignored"})");
  EXPECT_EQ(kit_->request(Method::Get, "/v1/sample/notes/from-elsewhere").send().status, 404) << "not delivered yet";
  EXPECT_EQ(kit_->context().deliverEvents(), 1);
  TestResponse copied = kit_->request(Method::Get, "/v1/sample/notes/from-elsewhere").send();
  EXPECT_EQ(Json::parse(copied.body)["body"], "other.thing");
  EXPECT_TRUE(kit_->context().logs().records().size() == 1) << "event deliveries ran, the delayed job did not";
}

TEST_P(KitTest, JobsAndSchedulesRunByTheManualClock) {
  TestContext& ctx = kit_->context();
  ctx.manualClock().set(std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 1h);
  kit_->start();
  ASSERT_EQ(note("n-1").status, 201);
  EXPECT_EQ(ctx.runDueJobs(), 0) << "enqueued to run in an hour";
  ctx.manualClock().advance(59min);
  EXPECT_EQ(ctx.runDueJobs(), 0);
  ctx.manualClock().advance(1min);
  EXPECT_EQ(ctx.runDueJobs(), 1);
  EXPECT_EQ(ctx.logs().count(LogLevel::Info, "indexed"), 1u);
  EXPECT_EQ(ctx.tickCron(), 1) << "02:00 has come";
  EXPECT_EQ(ctx.tickCron(), 0);
  EXPECT_EQ(ctx.runDueJobs(), 1);
  EXPECT_EQ(ctx.logs().records().back().field("payload"), R"({"nightly":true})");
  ctx.manualClock().advance(24h);
  EXPECT_EQ(ctx.tickCron(), 1);
}

TEST_P(KitTest, AuditMetricsLogsAndCommands) {
  TestContext& ctx = kit_->context();
  kit_->start();
  ASSERT_EQ(note("n-1").status, 201);
  ASSERT_EQ(note("n-2").status, 201);
  const AuditPage audit = ctx.audit().query({.action = "note.create"});
  ASSERT_EQ(audit.total, 2);
  EXPECT_EQ(audit.entries[0].actor, "u-ada");
  EXPECT_EQ(ctx.metric("sample_notes_total", {{"kind", "plain"}}), 2.0);
  EXPECT_EQ(ctx.metric("sample_notes_total"), std::nullopt) << "labels must match";
  EXPECT_NE(ctx.metricsText().find("# TYPE sample_notes_total counter"), std::string::npos);
  EXPECT_EQ(ctx.logs().count(LogLevel::Info, "note written"), 2u);
  EXPECT_TRUE(ctx.logs().mentions("n-2"));
  const CommandResult count = ctx.runCommand({"sample", "count", "ada"});
  EXPECT_EQ(count.status, 0);
  EXPECT_EQ(count.out, "2 notes for ada\n");
  EXPECT_THROW(ctx.runCommand({"sample", "nothing"}), std::invalid_argument);
}

TEST_P(KitTest, ProvisionIsOverOnceTheLifecycleMovesOn) {
  kit_->start();
  EXPECT_THROW(kit_->context().routes().get("/v1/late", [](Request&) { return Response::noContent(); }),
               std::logic_error);
  EXPECT_THROW(kit_->context().jobs().handle("late", [](const Job&) {}), std::logic_error);
  EXPECT_NE(kit_->services().find<SecretBox>(), nullptr) << "as a development server provides it";
}

AGAPE_DATABASE_TESTS(KitTest);

TEST(ConfigText, DecodesASectionAsTheServerWould) {
  auto decode = [](const ConfigView& section) {
    ConfigDecoder d(section);
    auto n = d.integer("n", 1, 1, 5);
    d.finish();
    return n;
  };
  EXPECT_EQ(decodeSection("x:\n  n: 3\n", "x", decode), 3);
  EXPECT_EQ(decodeSection("", "x", decode), 1);
  EXPECT_EQ(sectionError("x:\n  n: 9\n", "x", decode), "x.n: must be between 1 and 5 (/etc/agape/agape.yaml:2:6)");
  EXPECT_EQ(sectionError("x:\n  m: 1\n", "x", decode), "x.m: unknown key (/etc/agape/agape.yaml:2:6)");
  EXPECT_EQ(sectionError("x:\n  n: 2\n", "x", decode), "(accepted)");
}

TEST(TestDatabase, PostgresWithoutAUrlSaysWhatIsMissing) {
  try {
    TestDatabase db({.backend = Backend::Postgres, .postgresUrl = ""});
    if (postgresTestUrl().empty()) FAIL() << "opened without a URL";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("AGAPE_TEST_PG_URL"), std::string::npos) << e.what();
  }
}

TEST(TestContext, WithoutADatabaseSaysSo) {
  TestContext ctx({.pluginId = "bare"});
  try {
    ctx.db().run([](Tx&) {});
    FAIL() << "ran a transaction without a database";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("no database"), std::string::npos);
  }
}

TEST(PluginKit, LoadsALibraryAsTheServerDoes) {
  auto kit = PluginKit::load("hello", AGAPE_HELLO_LIBRARY, {.config = "hello: {greeting: Sannu}\n"});
  kit->start();
  TestResponse r = kit->request(Method::Get, "/v1/hello/Ada").send();
  EXPECT_EQ(r.body, R"({"message":"Sannu, Ada!"})");
  EXPECT_THROW(PluginKit::load("other", AGAPE_HELLO_LIBRARY), std::runtime_error) << "the id is checked";
  try {
    PluginKit::load("notplugin", AGAPE_NOT_A_PLUGIN_LIBRARY);
    FAIL() << "loaded a library without the entry point";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notplugin"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace agape::testing
