// The JSON log lines on stderr (spdlog's async logger behind JsonLogger and
// the access log): each line one JSON object with "ts" first (UTC, to the
// millisecond, the time of the call), then level, component, msg, the
// request id while a request is served, and the fields, escaped; lines from
// many threads come out whole; flushLogs() returns once all are written.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <ctime>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "log/log.h"

namespace agape::kernel {
namespace {

// The lines `logSome` writes whose component starts with `component`
// (earlier tests' threads may still log).
std::vector<std::string> capturedLines(const std::function<void()>& logSome, const std::string& component) {
  flushLogs();  // what earlier tests queued goes out before the capture
  ::testing::internal::CaptureStderr();
  logSome();
  flushLogs();
  std::istringstream in(::testing::internal::GetCapturedStderr());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"component\":\"" + component) != std::string::npos) lines.push_back(line);
  return lines;
}

TEST(JsonLog, ALineIsOneJsonObjectWithTheTimeFirst) {
  const auto before = std::chrono::system_clock::now();
  const auto lines = capturedLines([] {
    JsonLogger log("log-test-catalog");
    setCurrentRequestId("req-1");
    log.warn("price \"changed\"\n", {{"sku", "ANK-1"}, {"note", "₦ \x01"}});
    setCurrentRequestId("");
    log.info("quiet");
    log.debug("not at the default level");
  }, "log-test-catalog");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("{\"ts\":\"", 0), 0u) << lines[0];
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "warn");
  EXPECT_EQ(first["component"], "log-test-catalog");
  EXPECT_EQ(first["msg"], "price \"changed\"\n");
  EXPECT_EQ(first["requestId"], "req-1");
  EXPECT_EQ(first["sku"], "ANK-1");
  EXPECT_EQ(first["note"], "₦ \x01");
  const std::string ts = first["ts"];
  ASSERT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << ts;
  // The call's time, in UTC.
  std::tm tm{};
  ASSERT_NE(strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr);
  const auto stamped = std::chrono::system_clock::from_time_t(timegm(&tm));
  EXPECT_LE(std::chrono::abs(stamped - before), std::chrono::seconds(2));
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["msg"], "quiet");
  EXPECT_FALSE(second.contains("requestId"));
}

TEST(JsonLog, LinesFromManyThreadsComeOutWholeAndNoneIsLost) {
  constexpr int kThreads = 8, kEach = 2000;
  const auto lines = capturedLines([] {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([t] {
        JsonLogger log("log-test-" + std::to_string(t));
        for (int i = 0; i < kEach; ++i) log.info("line", {{"i", std::to_string(i)}, {"pad", std::string(100, 'x')}});
      });
    for (auto& th : threads) th.join();
  }, "log-test-");
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kEach));
  std::vector<int> next(kThreads, 0);
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);  // throws on a torn line
    const int t = std::stoi(j["component"].get<std::string>().substr(9));
    EXPECT_EQ(std::stoi(j["i"].get<std::string>()), next[t]++) << "one thread's lines in its order";
  }
}

TEST(JsonLog, AccessStyleMembersGetTheTimeToo) {
  const auto lines =
      capturedLines([] { writeLogLine(R"("level":"info","component":"log-test-access","status":200)"); }, "log-test-access");
  ASSERT_EQ(lines.size(), 1u);
  const auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["component"], "log-test-access");
  EXPECT_EQ(j["status"], 200);
  EXPECT_TRUE(j.contains("ts"));
}

}  // namespace
}  // namespace agape::kernel
