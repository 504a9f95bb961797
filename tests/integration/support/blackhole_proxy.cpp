#include "support/blackhole_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace agape::test {
namespace {

// One client connection and its upstream twin.
struct Pair {
  int client = -1;
  int upstream = -1;
};

int connectTo(const std::string& host, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Copies what `from` has to `to`; false when either side is done.
bool forward(int from, int to) {
  char buf[65536];
  const ssize_t n = recv(from, buf, sizeof buf, 0);
  if (n <= 0) return false;
  for (ssize_t sent = 0; sent < n;) {
    const ssize_t k = send(to, buf + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
    if (k <= 0) return false;
    sent += k;
  }
  return true;
}

}  // namespace

BlackHoleProxy::BlackHoleProxy(std::string upstreamHost, int upstreamPort)
    : upstreamHost_(std::move(upstreamHost)), upstreamPort_(upstreamPort) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener_, 128) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("the proxy cannot listen");
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

BlackHoleProxy::~BlackHoleProxy() {
  stop_ = true;
  thread_.join();
  close(listener_);
}

void BlackHoleProxy::run() {
  std::vector<Pair> pairs;
  while (!stop_) {
    if (blackHoled_) {
      // Nothing is read, written or accepted: the bytes wait in the buffers.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const Pair& p : pairs) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.upstream, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (blackHoled_) continue;  // switched while polling: read nothing more
    std::vector<Pair> kept;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const Pair& p = pairs[i];
      bool open = true;
      if (fds[1 + 2 * i].revents) open = forward(p.client, p.upstream);
      if (open && fds[2 + 2 * i].revents) open = forward(p.upstream, p.client);
      if (open) {
        kept.push_back(p);
      } else {
        close(p.client);
        close(p.upstream);
      }
    }
    pairs.swap(kept);
    if (fds[0].revents & POLLIN) {
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      ++accepted_;
      const int upstream = connectTo(upstreamHost_, upstreamPort_);
      if (upstream < 0) {
        close(client);
        continue;
      }
      int one = 1;
      setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      pairs.push_back({client, upstream});
    }
  }
  for (const Pair& p : pairs) {
    close(p.client);
    close(p.upstream);
  }
}

}  // namespace agape::test
