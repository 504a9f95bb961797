// Streamed response bodies (Response::stream) against the real `agape
// serve`, on raw sockets: chunked framing of a large body, HTTP/1.0 and HEAD,
// pipelining behind a stream, producers that fail before and after their
// first chunk, and clients that read slowly, stop reading or go away — the
// server's memory stays flat, its workers are freed, and it keeps answering.
// The test plugin's GET /v1/test/stream writes "abc…z" repeated.
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "raw_client.h"
#include "server_suite.h"
#include "support/server_process.h"

using namespace agape::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

std::string streamRequest(const std::string& query, const std::string& requestId,
                          const std::string& method = "GET") {
  return method + " /v1/test/stream?" + query + " HTTP/1.1\r\nHost: shop\r\nX-Request-Id: " + requestId +
         "\r\n\r\n";
}

// Where the body first differs from the plugin's pattern; npos when it is the pattern.
std::size_t firstWrongByte(const std::string& body) {
  for (std::size_t i = 0; i < body.size(); ++i)
    if (body[i] != static_cast<char>('a' + i % 26)) return i;
  return std::string::npos;
}

// The server's resident memory, from /proc.
long residentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Two workers and a short send timeout, so that stalled streams are seen
// holding the pool and then releasing it within a test's time.
class Streaming : public ServerSuite<Streaming> {
 public:
  static std::vector<std::string> settings() {
    return {"server.workerThreads=2", "server.sendTimeout=4s", "server.workerQueueTimeout=30s"};
  }

 protected:
  static constexpr auto kSendTimeout = 4s;

  // The server's log line (JSON) that holds both strings; empty when none
  // came within `timeout`.
  static std::string logLine(const std::string& a, const std::string& b,
                             std::chrono::seconds timeout = std::chrono::seconds(5)) {
    std::string found;
    eventually(
        [&] {
          std::istringstream log(server_->output());
          for (std::string line; std::getline(log, line);)
            if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) {
              found = line;
              return true;
            }
          return false;
        },
        timeout);
    return found;
  }

  static int producerRuns() {
    RawClient c(port_);
    c.send(get("/v1/test/stream/runs"));
    auto r = c.read();
    return r ? std::stoi(r->body.substr(r->body.find(':') + 1)) : -1;
  }
};

TEST_F(Streaming, AFiftyMegabyteBodyArrivesWholeInChunksAndTheConnectionGoesOn) {
  const std::size_t size = 50 * kMiB;
  RawClient c(port_);
  const auto t0 = Clock::now();
  ASSERT_TRUE(c.send(streamRequest("bytes=" + std::to_string(size) + "&chunk=65536", "stream-50mb")));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(lower(head->header("transfer-encoding")), "chunked");
  EXPECT_EQ(head->header("content-length"), "");
  EXPECT_EQ(head->header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(head->header("x-request-id"), "stream-50mb");
  EXPECT_EQ(head->header("x-content-type-options"), "nosniff") << "middleware applies as usual";
  auto body = c.readChunked(60000ms);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(body.complete) << "got " << body.body.size() << " bytes";
  EXPECT_EQ(body.body.size(), size);
  EXPECT_EQ(firstWrongByte(body.body), std::string::npos);
  std::cout << "[ figure   ] 50 MiB streamed in " << seconds << " s: " << size / seconds / kMiB << " MiB/s\n";

  ASSERT_TRUE(c.send(get("/healthz")));  // keep-alive after a completed stream
  auto next = c.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  const std::string access = logLine("\"requestId\":\"stream-50mb\"", "\"component\":\"access\"");
  EXPECT_NE(access.find("\"bytes\":" + std::to_string(size) + ",\"streamed\":true"), std::string::npos)
      << access;
}

TEST_F(Streaming, PipelinedRequestsBehindAStreamAreAnsweredAfterItInOrder) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(streamRequest("bytes=300000", "pipe-1") + get("/v1/hello/after") +
                     streamRequest("bytes=10&contentLength=3", "pipe-2")));
  auto first = c.readHead();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->header("x-request-id"), "pipe-1");
  auto body = c.readChunked();
  ASSERT_TRUE(body.complete);
  EXPECT_EQ(body.body.size(), 300000u);
  auto hello = c.read();
  ASSERT_TRUE(hello);
  EXPECT_NE(hello->body.find("after!"), std::string::npos) << hello->body;
  auto last = c.readHead();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("x-request-id"), "pipe-2");
  EXPECT_EQ(last->header("content-length"), "") << "the plugin's own is dropped: the framing is chunked";
  EXPECT_EQ(c.readChunked().body, "abcdefghij");
}

TEST_F(Streaming, AStreamFromAnInlineRouteIsProducedOnAWorkerNotOnTheNetworkThread) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(get("/v1/test/stream/thread")));
  ASSERT_TRUE(c.readHead());
  const std::string body = c.readChunked().body;
  EXPECT_NE(body.find("handler=agape-io"), std::string::npos) << body;
  EXPECT_NE(body.find("producer=agape-work"), std::string::npos) << body;
}

TEST_F(Streaming, HeadAnswersTheHeadersWithoutRunningTheProducer) {
  const int before = producerRuns();
  RawClient c(port_);
  ASSERT_TRUE(c.send(streamRequest("bytes=300000", "head-1", "HEAD") + get("/healthz")));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(lower(head->header("transfer-encoding")), "chunked") << "what GET would say";
  auto next = c.read();  // straight after the head: no body came between
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"status":"ok"})");
  EXPECT_EQ(producerRuns(), before);
}

TEST_F(Streaming, AnHttp10ClientGetsTheBodyDelimitedByTheClose) {
  RawClient c(port_);
  ASSERT_TRUE(c.send("GET /v1/test/stream?bytes=300000 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("transfer-encoding"), "");
  EXPECT_EQ(head->header("content-length"), "");
  EXPECT_EQ(lower(head->header("connection")), "close") << "the close is what ends the body";
  auto body = c.readUntilClose(10000ms);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->size(), 300000u);
  EXPECT_EQ(firstWrongByte(*body), std::string::npos);
}

TEST_F(Streaming, AProducerThatFailsBeforeItsFirstChunkIsAnsweredLikeAHandler) {
  RawClient c(port_);  // one connection: each answer is whole, so it stays usable
  ASSERT_TRUE(c.send(streamRequest("bytes=100000&failAfter=1000", "early-problem")));
  auto problem = c.read();
  expectProblem(problem, 409);
  EXPECT_NE(problem->body.find("\"code\":\"stream_failed\""), std::string::npos) << problem->body;
  EXPECT_NE(problem->body.find("early-problem"), std::string::npos) << "the problem names the request";
  EXPECT_EQ(problem->header("x-content-type-options"), "nosniff");

  ASSERT_TRUE(c.send(streamRequest("bytes=100000&failAfter=1000&fail=unavailable", "early-db")));
  auto unavailable = c.read();
  expectProblem(unavailable, 503);
  EXPECT_EQ(unavailable->header("retry-after"), "1");
  EXPECT_EQ(unavailable->body.find("failed on purpose"), std::string::npos) << "no internals";

  ASSERT_TRUE(c.send(streamRequest("bytes=100000&failAfter=0&fail=error", "early-error")));
  auto internal = c.read();
  expectProblem(internal, 500);
  EXPECT_EQ(internal->body.find("failed on purpose"), std::string::npos) << "no internals";
  EXPECT_FALSE(logLine("early-error", "unhandled exception").empty());

  ASSERT_TRUE(c.send(get("/healthz")));
  auto next = c.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Streaming, AProducerThatFailsMidStreamCutsTheBodyShortAndClosesTheConnection) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(streamRequest("bytes=1000000&failAfter=300000", "cut-short")));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto body = c.readChunked(10000ms);
  EXPECT_FALSE(body.complete) << "a cut body must not end with the last chunk";
  EXPECT_GE(body.body.size(), 65536u);
  EXPECT_LT(body.body.size(), 300000u);
  EXPECT_EQ(firstWrongByte(body.body), std::string::npos);
  EXPECT_TRUE(c.closedWithin(3000ms));
  const std::string warning = logLine("cut-short", "its producer failed");
  EXPECT_NE(warning.find("\"level\":\"warn\""), std::string::npos) << warning;
  EXPECT_NE(logLine("cut-short", "\"component\":\"access\"").find("\"complete\":false"), std::string::npos);
}

TEST_F(Streaming, AClientThatGoesAwayMidStreamStopsTheProducerPromptly) {
  {
    RawClient c(port_);
    ASSERT_TRUE(c.send(streamRequest("bytes=" + std::to_string(500 * kMiB), "goes-away")));
    ASSERT_TRUE(c.readHead());
    std::size_t got = 0;
    while (got < kMiB) {
      const std::size_t n = c.drain(65536);
      ASSERT_GT(n, 0u);
      got += n;
    }
  }  // closed here, mid-stream
  const auto t0 = Clock::now();
  const std::string line = logLine("goes-away", "nobody reads it");
  ASSERT_FALSE(line.empty()) << server_->output();
  EXPECT_NE(line.find("\"level\":\"info\""), std::string::npos) << "a client leaving is no error: " << line;
  EXPECT_LT(Clock::now() - t0, kSendTimeout / 2) << "noticed when the client left, not at the send timeout";

  RawClient next(port_);
  ASSERT_TRUE(next.send(streamRequest("bytes=10", "after-gone")));
  ASSERT_TRUE(next.readHead());
  EXPECT_EQ(next.readChunked().body, "abcdefghij");
}

TEST_F(Streaming, ClientsThatStopReadingAreCutOffAfterTheSendTimeoutAndFreeTheWorkers) {
  // Two stalled streams hold both workers...
  RawClient a(port_), b(port_);
  ASSERT_TRUE(a.send(streamRequest("bytes=" + std::to_string(500 * kMiB), "stall-a")));
  ASSERT_TRUE(b.send(streamRequest("bytes=" + std::to_string(500 * kMiB), "stall-b")));
  ASSERT_TRUE(a.readHead());
  ASSERT_TRUE(b.readHead());
  // ...so a request for a worker waits until the send timeout frees one.
  const auto t0 = Clock::now();
  RawClient c(port_);
  ASSERT_TRUE(c.send(get("/v1/test/slow?ms=1")));
  auto r = c.read(20000ms);
  ASSERT_TRUE(r) << "no worker was freed\n" << server_->output();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_GE(Clock::now() - t0, kSendTimeout / 2);
  for (const char* id : {"stall-a", "stall-b"}) {
    const std::string line = logLine(id, "nobody reads it");
    EXPECT_NE(line.find("read nothing for 4000 ms"), std::string::npos) << line;
  }
  EXPECT_TRUE(a.closedWithin(5000ms));
  EXPECT_TRUE(b.closedWithin(5000ms));
  RawClient m(port_);
  EXPECT_GE(metric(metricsOver(m), "agape_http_connections_closed_total{reason=\"aborted\"}"), 2);
}

TEST_F(Streaming, AClientReadingSlowlyKeepsTheServersMemoryFlat) {
  const long baseline = residentKiB(server_->pid());
  ASSERT_GT(baseline, 0);
  RawClient c(port_);
  ASSERT_TRUE(c.send(streamRequest("bytes=" + std::to_string(50 * kMiB), "slow-reader")));
  ASSERT_TRUE(c.readHead());
  long peak = baseline;
  std::size_t got = 0;
  for (int i = 0; i < 40; ++i) {  // 64 KiB per 100 ms: about 640 KiB/s, for 4 s
    got += c.drain(65536);
    peak = std::max(peak, residentKiB(server_->pid()));
    std::this_thread::sleep_for(100ms);  // the client's pace, not a wait for the server
  }
  EXPECT_GT(got, 1 * kMiB);
  EXPECT_LT(peak - baseline, 16 * 1024) << "resident KiB grew from " << baseline << " to " << peak;
  std::cout << "[ figure   ] resident memory while a slow client reads a 50 MiB stream: " << baseline
            << " KiB before, " << peak << " KiB at most\n";
}

// Stopping lets a stream in flight finish before the server exits.
TEST(StreamingShutdown, SigtermLetsARunningStreamFinish) {
  TempDir dir;
  const int port = freePort();
  const std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"hello", "test.slow"}));
  ServerProcess server({"serve", "--config", cfg, "--set", "server.shutdownGrace=20s"}, port);
  ASSERT_TRUE(server.waitReady()) << server.output();
  RawClient c(port);
  // More than the socket buffers hold: the stream waits for the client when the signal comes.
  ASSERT_TRUE(c.send(streamRequest("bytes=" + std::to_string(30 * kMiB), "drained")));
  ASSERT_TRUE(c.readHead());
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  auto body = c.readChunked(30000ms);
  EXPECT_TRUE(body.complete) << body.body.size() << " bytes\n" << server.output();
  EXPECT_EQ(server.terminate(std::chrono::seconds(20)), 0) << server.output();
}

}  // namespace
