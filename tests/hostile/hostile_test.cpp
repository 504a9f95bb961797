// Hostile clients on raw sockets against the real `agape serve`: split and
// tiny chunks, pipelining, oversized and lying bodies, silent and slow
// clients, malformed heads, running out of descriptors. After every test the
// server must still answer /healthz on a fresh connection at once. Every
// read has a deadline, so a server that hangs fails the test instead of
// stalling it.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
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

std::string echoHead(const std::string& framing) {
  return "POST /v1/test/echo HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

std::string chunked(const std::string& body, std::size_t chunkSize) {
  std::string out;
  char size[32];
  for (std::size_t i = 0; i < body.size(); i += chunkSize) {
    const std::string piece = body.substr(i, chunkSize);
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size + piece + "\r\n";
  }
  return out + "0\r\n\r\n";
}

// Short client deadlines, so that slow and silent clients are cut off within a test's time.
class Hostile : public ServerSuite<Hostile> {
 public:
  static std::vector<std::string> settings() {
    return {"server.headerTimeout=1s", "server.bodyTimeout=1s", "server.keepAliveTimeout=2s"};
  }
};

TEST_F(Hostile, AChunkWhoseCrAndLfArriveInSeparateReadsIsAnswered) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(echoHead("Transfer-Encoding: chunked\r\n") + "2\r\n{}\r"));
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(c.send("\n0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"bytes":2})");
}

TEST_F(Hostile, TwoBodiesOfSevenHundredOneByteChunksAreAnsweredAndHealthzStaysUp) {
  const std::string body(700, 'x');
  RawClient a(port_), b(port_);
  ASSERT_TRUE(a.send(echoHead("Transfer-Encoding: chunked\r\n") + chunked(body, 1)));
  ASSERT_TRUE(b.send(echoHead("Transfer-Encoding: chunked\r\n") + chunked(body, 1)));
  for (RawClient* c : {&a, &b}) {
    auto r = c->read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, R"({"bytes":700})");
  }
}

TEST_F(Hostile, ChunkExtensionsAreIgnoredAndAnOverflowingChunkSizeIsRefused) {
  RawClient ok(port_);
  ASSERT_TRUE(ok.send(echoHead("Transfer-Encoding: chunked\r\n") + "2;name=\"value\"\r\n{}\r\n0\r\n\r\n"));
  auto r = ok.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  RawClient bad(port_);
  ASSERT_TRUE(bad.send(echoHead("Transfer-Encoding: chunked\r\n") + "fffffffffffffffffffff\r\n"));
  expectProblem(bad.read(), 400);
  EXPECT_TRUE(bad.closedWithin(3000ms));
}

TEST_F(Hostile, PipelinedRequestsAreAllAnsweredInOrder) {
  RawClient c(port_);
  std::string all;
  for (int i = 0; i < 10; ++i) all += get("/v1/hello/n" + std::to_string(i));
  ASSERT_TRUE(c.send(all));
  for (int i = 0; i < 10; ++i) {
    auto r = c.read();
    ASSERT_TRUE(r) << "response " << i << " missing";
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("n" + std::to_string(i) + "!"), std::string::npos) << i << ": " << r->body;
  }
  ASSERT_TRUE(c.send(get("/healthz")));  // and the connection is still good
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Hostile, PipelinedRequestsBehindASlowOneKeepTheirOrder) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(get("/v1/test/slow?ms=300") + get("/v1/hello/after") +
                     echoHead("Content-Length: 2\r\n") + "{}"));
  auto slow = c.read();
  auto hello = c.read();
  auto echo = c.read();
  ASSERT_TRUE(slow && hello && echo);
  EXPECT_NE(slow->body.find("sleptMs"), std::string::npos);
  EXPECT_NE(hello->body.find("after!"), std::string::npos);
  EXPECT_EQ(echo->status, 201);
}

TEST_F(Hostile, ABodyOverTheRouteLimitIs413AndTheNextRequestOnTheConnectionIsAnsweredRightly) {
  RawClient c(port_);
  const std::string body(70 * 1024, 'x');  // the echo route takes 64 KiB
  ASSERT_TRUE(
      c.send(echoHead("Content-Length: " + std::to_string(body.size()) + "\r\n") + body + get("/healthz")));
  expectProblem(c.read(), 413);
  auto next = c.read();
  if (next) {
    EXPECT_EQ(next->status, 200) << "the request after an oversized body was misanswered";
    EXPECT_EQ(next->body, R"({"status":"ok"})");
  } else {
    EXPECT_TRUE(c.closedWithin(3000ms));
  }
}

TEST_F(Hostile, ABodyOverTheServerLimitIs413ThenTheConnectionCloses) {
  for (const std::string framing : {"Content-Length: 5000000\r\n", "Transfer-Encoding: chunked\r\n"}) {
    RawClient c(port_);
    std::string payload = echoHead(framing);
    if (framing.find("chunked") != std::string::npos) {
      const std::string piece(64 * 1024, 'x');
      for (int i = 0; i < 20; ++i) payload += "10000\r\n" + piece + "\r\n";
    } else {
      payload += std::string(200 * 1024, 'x');
    }
    c.send(payload);
    c.send(get("/healthz"));  // never read as a request: it sits inside the refused body
    expectProblem(c.read(), 413);
    EXPECT_TRUE(c.closedWithin(4000ms)) << framing;
    EXPECT_EQ(c.unread().find("HTTP/1.1 200"), std::string::npos) << framing;
  }
}

TEST_F(Hostile, ABodyShorterThanItsContentLengthTimesOutWithoutAnAnswer) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(echoHead("Content-Length: 100\r\n") + "{\"only\":\"ten\"}"));
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.closedWithin(4000ms));
  EXPECT_GE(Clock::now() - t0, 800ms);
  EXPECT_TRUE(c.unread().empty()) << c.unread();
}

TEST_F(Hostile, AConnectionThatNeverSendsAByteIsClosedAfterTheHeaderTimeout) {
  RawClient c(port_);
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.closedWithin(4000ms));
  EXPECT_GE(Clock::now() - t0, 800ms);
}

TEST_F(Hostile, ASlowlorisHeadIsCutOffAtTheHeaderTimeoutEvenWhileBytesKeepComing) {
  RawClient c(port_);
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Slow: "));
  const auto t0 = Clock::now();
  bool closed = false;
  while (!closed && Clock::now() - t0 < 4s) {
    c.send("a");
    closed = c.closedWithin(200ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - t0, 3s);
}

TEST_F(Hostile, AnIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(get("/healthz")));
  ASSERT_TRUE(c.read());
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.closedWithin(5000ms));
  EXPECT_GE(Clock::now() - t0, 1500ms);
}

TEST_F(Hostile, ExpectContinueGetsAnInterimResponseBeforeTheBodyIsSent) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(echoHead("Expect: 100-continue\r\nContent-Length: 2\r\n")));
  auto interim = c.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("{}"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
}

struct Malformed {
  const char* name;
  std::string request;
  int status;
};

class HostileHeads : public Hostile, public ::testing::WithParamInterface<Malformed> {};

TEST_P(HostileHeads, AreRefusedWithProblemJsonAndTheConnectionCloses) {
  RawClient c(port_);
  ASSERT_TRUE(c.send(GetParam().request));
  expectProblem(c.read(), GetParam().status);
  EXPECT_TRUE(c.closedWithin(4000ms));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9112, HostileHeads,
    ::testing::Values(
        Malformed{"NegativeContentLength", echoHead("Content-Length: -1\r\n"), 400},
        Malformed{"HugeContentLength", echoHead("Content-Length: 99999999999999999999999999\r\n"), 400},
        Malformed{"HeaderLineWithoutColon", "GET /healthz HTTP/1.1\r\nHost: shop\r\nJustSomeWords\r\n\r\n",
                  400},
        Malformed{"ObsFold", "GET /healthz HTTP/1.1\r\nHost: shop\r\nX-A: one\r\n two\r\n\r\n", 400},
        Malformed{"Http09", "GET /healthz\r\n", 505},
        Malformed{"Http11WithoutHost", "GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n", 400},
        Malformed{"NulInHeaderValue",
                  std::string("GET /healthz HTTP/1.1\r\nHost: shop\r\nX-A: a") + '\0' + "b\r\n\r\n", 400},
        Malformed{"ContentLengthAndChunked",
                  echoHead("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n", 400},
        Malformed{"UnknownTransferCoding", echoHead("Transfer-Encoding: gzip\r\n"), 501}),
    [](const auto& info) { return std::string(info.param.name); });

// CPU seconds the process has used (user + system), from /proc.
double cpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A fresh server with a small descriptor limit: 256, as `ulimit -n 256`.
struct SmallServer {
  TempDir dir;
  int port = freePort();
  std::unique_ptr<ServerProcess> server;
  explicit SmallServer(std::vector<std::string> extra) {
    const std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"hello", "test.slow"}));
    std::vector<std::string> args{"serve", "--config", cfg};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>(args, port, std::vector<std::string>{}, 256);
  }
};

TEST(HostileDescriptors, FloodedWithIdleConnectionsTheServerShedsThemAndKeepsAnswering) {
  SmallServer s({});
  ASSERT_TRUE(s.server->waitReady()) << s.server->output();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 400; ++i) idle.push_back(std::make_unique<RawClient>(s.port));
  // Accepting and shedding the flood takes a moment of CPU on a busy
  // machine; spinning is what the server does after it.
  std::this_thread::sleep_for(300ms);
  const double cpu0 = cpuSeconds(s.server->pid());
  std::this_thread::sleep_for(1s);
  EXPECT_LT(cpuSeconds(s.server->pid()) - cpu0, 0.5) << "the server spins";
  RawClient fresh(s.port);
  ASSERT_TRUE(fresh.send(get("/healthz")));
  auto r = fresh.read(3000ms);
  ASSERT_TRUE(r) << s.server->output();
  EXPECT_EQ(r->status, 200);
  // A connection shed to make room stays counted until its network thread
  // has closed it (a moment later): the count settles at the limit.
  std::string m = metricsOver(fresh);
  for (int i = 0; i < 20 && metric(m, "agape_http_connections") > metric(m, "agape_http_connection_limit"); ++i) {
    std::this_thread::sleep_for(100ms);
    m = metricsOver(fresh);
  }
  EXPECT_GT(metric(m, "agape_http_connections_closed_total{reason=\"shed\"}"), 0) << m;
  EXPECT_LE(metric(m, "agape_http_connections"), metric(m, "agape_http_connection_limit"));
}

TEST(HostileDescriptors, OutOfDescriptorsTheAcceptLoopBacksOffAndRecovers) {
  // A connection limit above the descriptor limit: accept(2) itself fails.
  SmallServer s({"--set", "server.maxConnections=5000", "--set", "server.headerTimeout=60s"});
  ASSERT_TRUE(s.server->waitReady()) << s.server->output();
  RawClient keep(s.port);  // opened before the flood: still served during it
  ASSERT_TRUE(keep.send(get("/healthz")));
  ASSERT_TRUE(keep.read());
  std::vector<std::unique_ptr<RawClient>> flood;
  for (int i = 0; i < 400; ++i) flood.push_back(std::make_unique<RawClient>(s.port));
  std::this_thread::sleep_for(300ms);
  const double cpu0 = cpuSeconds(s.server->pid());
  std::this_thread::sleep_for(1s);
  EXPECT_LT(cpuSeconds(s.server->pid()) - cpu0, 0.5) << "the accept loop spins";
  const std::string m = metricsOver(keep);
  EXPECT_GT(metric(m, "agape_http_accept_failures_total"), 0) << m;
  flood.clear();
  std::optional<RawResponse> r;
  for (int attempt = 0; attempt < 30 && !r; ++attempt) {
    RawClient fresh(s.port);
    if (fresh.send(get("/healthz"))) r = fresh.read(1000ms);
  }
  ASSERT_TRUE(r) << "no new connection was served after the descriptors came back";
  EXPECT_EQ(r->status, 200);
  const std::string log = s.server->output();
  std::size_t warnings = 0;
  for (auto pos = log.find("out of file descriptors"); pos != std::string::npos;
       pos = log.find("out of file descriptors", pos + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << "one warning per episode\n" << log;
}

TEST(HostileShutdown, SigtermStopsTheServerWhileHostileRequestsAreOpen) {
  TempDir dir;
  const int port = freePort();
  const std::string cfg = dir.write("agape.yaml", testConfig(dir, port, {"hello", "test.slow"}));
  ServerProcess server({"serve", "--config", cfg}, port);
  ASSERT_TRUE(server.waitReady()) << server.output();
  RawClient a(port), b(port);
  ASSERT_TRUE(a.send(echoHead("Transfer-Encoding: chunked\r\n") + "2\r\n{}\r"));
  ASSERT_TRUE(
      b.send(echoHead("Transfer-Encoding: chunked\r\n") + chunked(std::string(700, 'x'), 1).substr(0, 3000)));
  std::this_thread::sleep_for(300ms);
  const auto t0 = Clock::now();
  EXPECT_EQ(server.terminate(std::chrono::seconds(15)), 0) << server.output();
  EXPECT_LT(Clock::now() - t0, 12s);
}

}  // namespace
