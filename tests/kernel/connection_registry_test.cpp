#include "http/connection_registry.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

using namespace agape::kernel;
using Reason = ConnectionRegistry::Reason;
using namespace std::chrono_literals;

namespace {

// A connected pair: the registry holds `server`, the test reads `client`.
struct Pair {
  int server = -1, client = -1;
  Pair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
      server = fds[0];
      client = fds[1];
    }
  }
  ~Pair() {
    close(server);
    close(client);
  }
  // The server side was shut down for writing: the client reads end-of-stream.
  bool clientSeesEnd() const {
    char c;
    return recv(client, &c, 1, MSG_DONTWAIT) == 0;
  }
};

}  // namespace

TEST(ConnectionRegistry, ClosesWhatPassedItsDeadlineAndNothingElse) {
  ConnectionRegistry reg(10);
  Pair late, early, busy;
  auto now = ConnectionRegistry::Clock::now();
  auto a = reg.open(late.server);
  auto b = reg.open(early.server);
  auto c = reg.open(busy.server);
  a->setDeadline(Reason::HeaderTimeout, now - 1ms);
  b->setDeadline(Reason::IdleTimeout, now + 1h);
  c->clearDeadline();
  EXPECT_EQ(reg.sweep(now), 1);
  EXPECT_TRUE(late.clientSeesEnd());
  EXPECT_FALSE(early.clientSeesEnd());
  EXPECT_FALSE(busy.clientSeesEnd());
  EXPECT_EQ(reg.closedFor(Reason::HeaderTimeout), 1);
  EXPECT_EQ(reg.sweep(now), 0) << "a connection is shut down once";
  EXPECT_EQ(reg.sweep(now + 2h), 1);
  EXPECT_EQ(reg.closedFor(Reason::IdleTimeout), 1);
}

TEST(ConnectionRegistry, AtTheLimitTheWaitingConnectionNearestItsDeadlineMakesRoom) {
  ConnectionRegistry reg(2);
  Pair first, second, third;
  auto now = ConnectionRegistry::Clock::now();
  auto a = reg.open(first.server);
  auto b = reg.open(second.server);
  a->setDeadline(Reason::IdleTimeout, now + 30s);
  b->setDeadline(Reason::HeaderTimeout, now + 5s);
  auto c = reg.open(third.server);
  EXPECT_TRUE(second.clientSeesEnd());
  EXPECT_FALSE(first.clientSeesEnd());
  EXPECT_FALSE(third.clientSeesEnd());
  EXPECT_EQ(reg.closedFor(Reason::Shed), 1);
  reg.closed(b);  // what the network thread does on end-of-stream
  EXPECT_EQ(reg.size(), 2u);
}

TEST(ConnectionRegistry, WhenEveryConnectionIsBusyTheNewOneIsRefused) {
  ConnectionRegistry reg(1);
  Pair busy, fresh;
  auto a = reg.open(busy.server);
  a->clearDeadline();  // being answered
  auto b = reg.open(fresh.server);
  EXPECT_TRUE(fresh.clientSeesEnd());
  EXPECT_FALSE(busy.clientSeesEnd());
  EXPECT_EQ(reg.closedFor(Reason::Refused), 1);
  EXPECT_EQ(reg.size(), 1u);
}

TEST(ConnectionRegistry, AForgottenConnectionIsNeverTouched) {
  ConnectionRegistry reg(4);
  Pair p;
  auto a = reg.open(p.server);
  a->setDeadline(Reason::HeaderTimeout, ConnectionRegistry::Clock::now() - 1s);
  reg.closed(a);
  EXPECT_EQ(reg.sweep(ConnectionRegistry::Clock::now()), 0);
  EXPECT_FALSE(p.clientSeesEnd());
  reg.finish(a, 0ms);
  EXPECT_FALSE(p.clientSeesEnd());
}

TEST(ConnectionRegistry, FinishHalfClosesThenClosesAfterTheLinger) {
  ConnectionRegistry reg(4);
  Pair p;
  auto a = reg.open(p.server);
  reg.finish(a, 50ms);
  EXPECT_TRUE(p.clientSeesEnd());
  // Still readable by the server: the client's late bytes are taken, not reset.
  ASSERT_EQ(send(p.client, "x", 1, MSG_NOSIGNAL), 1);
  char c;
  EXPECT_EQ(recv(p.server, &c, 1, 0), 1);
  EXPECT_EQ(reg.sweep(ConnectionRegistry::Clock::now() + 100ms), 1);
  EXPECT_EQ(reg.closedFor(Reason::Linger), 1);
}

TEST(ConnectionRegistry, TheSweeperRunsOnItsOwn) {
  ConnectionRegistry reg(4);
  Pair p;
  auto a = reg.open(p.server);
  a->setDeadline(Reason::BodyTimeout, ConnectionRegistry::Clock::now() + 20ms);
  reg.startSweeper(10ms);
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!p.clientSeesEnd() && std::chrono::steady_clock::now() < deadline) usleep(5000);
  reg.stopSweeper();
  EXPECT_EQ(reg.closedFor(Reason::BodyTimeout), 1);
}

TEST(ConnectionRegistry, AnAbortedResponseClosesAtOnceWithoutLingering) {
  ConnectionRegistry reg(4);
  Pair p;
  auto a = reg.open(p.server);
  a->clearDeadline();  // a streamed response being sent
  reg.abort(a, false);
  EXPECT_TRUE(p.clientSeesEnd());
  EXPECT_EQ(reg.closedFor(Reason::Aborted), 1);
  EXPECT_EQ(reg.sweep(ConnectionRegistry::Clock::now() + 1h), 0) << "no linger deadline left behind";
  reg.closed(a);
  reg.abort(a, true);  // after the network thread forgot it: nothing
  EXPECT_EQ(reg.closedFor(Reason::Aborted), 1);
}
