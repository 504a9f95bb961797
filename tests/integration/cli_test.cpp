#include <gtest/gtest.h>

#include <fstream>

#include <agape/version.h>

#include "support/server_process.h"

using namespace agape::test;

TEST(Cli, VersionAndHelp) {
  auto v = runAgape({"version"});
  EXPECT_EQ(v.exitCode, 0);
  EXPECT_NE(v.output.find("ABI " + std::to_string(agape::kAbiVersion)), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("build gcc-"), std::string::npos);
  EXPECT_EQ(runAgape({"--help"}).exitCode, 0);
  for (const char* cmd : {"serve", "migrate", "plugins", "config", "version"}) {
    auto h = runAgape({cmd, "--help"});
    EXPECT_EQ(h.exitCode, 0) << cmd;
    EXPECT_NE(h.output.find("Usage: agape"), std::string::npos) << cmd;
  }
}

TEST(Cli, UsageErrorsExit2) {
  EXPECT_EQ(runAgape({}).exitCode, 2);
  EXPECT_EQ(runAgape({"frobnicate"}).exitCode, 2);
  EXPECT_EQ(runAgape({"migrate", "sideways"}).exitCode, 2);
  EXPECT_EQ(runAgape({"serve", "--bogus"}).exitCode, 2);
  EXPECT_EQ(runAgape({"serve", "--config"}).exitCode, 2);
}

TEST(Cli, PluginsListShowsRoutesAndDependencies) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, 8080, {"hello", "test.alpha", "test.beta"}));
  auto r = runAgape({"plugins", "list", "--config", cfg});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("hello 1.0.0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("GET /v1/hello/:name"), std::string::npos);
  EXPECT_NE(r.output.find("depends on: test.alpha, test.gamma (optional)"), std::string::npos) << r.output;
}

TEST(Cli, ConfigCheck) {
  TempDir dir;
  std::string good = dir.write("good.yaml", testConfig(dir, 8080, {"hello"}, "hello:\n  greeting: Hey\n"));
  auto ok = runAgape({"config", "check", "--config", good});
  EXPECT_EQ(ok.exitCode, 0) << ok.output;
  EXPECT_NE(ok.output.find("OK (1 plugins)"), std::string::npos);
  auto bad = runAgape({"config", "check", "--config", good, "--set", "server.port=70000"});
  EXPECT_EQ(bad.exitCode, 2) << bad.output;
  EXPECT_NE(bad.output.find("server.port: must be between 0 and 65535 (--set server.port)"), std::string::npos)
      << bad.output;
  auto stray = runAgape({"config", "check", "--config", good, "--set", "catalog.pageSize=5"});
  EXPECT_EQ(stray.exitCode, 2) << stray.output;
  EXPECT_NE(stray.output.find("catalog: unknown key"), std::string::npos) << stray.output;
}

TEST(Cli, MigrateUpStatusAndModifiedRefused) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, 8080, {"hello"}));
  std::string file = dir.write("migrations/hello/sqlite/0001_greetings.sql",
                               "CREATE TABLE hello_greetings (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\n"
                               "INSERT INTO hello_greetings (text) VALUES ('Hello; world');\n");
  auto pending = runAgape({"migrate", "status", "--config", cfg});
  EXPECT_EQ(pending.exitCode, 0) << pending.output;
  EXPECT_NE(pending.output.find("hello\t1\tgreetings\tpending"), std::string::npos) << pending.output;
  // The kernel's own schema (jobs, events, audit) comes first.
  EXPECT_NE(pending.output.find("kernel\t1\tjobs_events_audit\tpending"), std::string::npos) << pending.output;
  EXPECT_NE(pending.output.find("kernel\t2\tjob_retention\tpending"), std::string::npos) << pending.output;
  EXPECT_NE(pending.output.find("kernel\t3\topen_jobs\tpending"), std::string::npos) << pending.output;
  EXPECT_LT(pending.output.find("kernel\t3"), pending.output.find("hello\t1")) << pending.output;
  auto up = runAgape({"migrate", "up", "--config", cfg});
  EXPECT_EQ(up.exitCode, 0) << up.output;
  EXPECT_NE(up.output.find("applied 5 migrations"), std::string::npos) << up.output;
  auto again = runAgape({"migrate", "up", "--config", cfg});
  EXPECT_NE(again.output.find("applied 0 migrations"), std::string::npos) << again.output;
  auto status = runAgape({"migrate", "status", "--config", cfg});
  EXPECT_NE(status.output.find("hello\t1\tgreetings\tapplied"), std::string::npos) << status.output;
  std::ofstream(file, std::ios::app) << "-- edited\n";
  auto refused = runAgape({"migrate", "up", "--config", cfg});
  EXPECT_EQ(refused.exitCode, 1) << refused.output;
  EXPECT_NE(refused.output.find("was modified after it was applied"), std::string::npos) << refused.output;
}

TEST(Cli, JobsStatsDeadAndRetry) {
  TempDir dir;
  std::string cfg = dir.write("agape.yaml", testConfig(dir, 8080, {"hello"}));
  auto help = runAgape({"jobs", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.output.find("retry ID"), std::string::npos) << help.output;
  EXPECT_EQ(runAgape({"jobs"}).exitCode, 2);
  EXPECT_EQ(runAgape({"jobs", "sideways", "--config", cfg}).exitCode, 2);
  EXPECT_EQ(runAgape({"jobs", "retry", "--config", cfg}).exitCode, 2) << "needs an id";
  EXPECT_EQ(runAgape({"jobs", "stats", "--queue", "q", "--config", cfg}).exitCode, 2);
  EXPECT_EQ(runAgape({"jobs", "dead", "--limit", "0", "--config", cfg}).exitCode, 2);

  ASSERT_EQ(runAgape({"migrate", "up", "--config", cfg}).exitCode, 0);
  auto stats = runAgape({"jobs", "stats", "--config", cfg});
  EXPECT_EQ(stats.exitCode, 0) << stats.output;
  EXPECT_NE(stats.output.find("QUEUE\tPENDING\tRUNNING\tDONE\tFAILED\tDEAD"), std::string::npos) << stats.output;
  auto dead = runAgape({"jobs", "dead", "--queue", "mail", "--config", cfg});
  EXPECT_EQ(dead.exitCode, 0) << dead.output;
  EXPECT_NE(dead.output.find("ID\tQUEUE\tATTEMPTS"), std::string::npos) << dead.output;
  auto retry = runAgape({"jobs", "retry", "42", "--config", cfg});
  EXPECT_EQ(retry.exitCode, 1) << retry.output;
  EXPECT_NE(retry.output.find("no dead job with id 42"), std::string::npos) << retry.output;
}
