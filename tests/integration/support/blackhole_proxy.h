#pragma once
// A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL), for tests of a
// network that silently drops packets. Forwarding, it copies bytes both
// ways; black-holed, it stops reading, writing and accepting without closing
// anything, so the client's bytes sit in socket buffers and nothing comes
// back: no reset, no FIN, as when packets are dropped (the client's kernel
// still sees its data acknowledged, which TCP's own timeouts cannot tell
// from a slow server). Forwarding again, the bytes held meanwhile flow.
#include <atomic>
#include <string>
#include <thread>

namespace agape::test {

class BlackHoleProxy {
 public:
  BlackHoleProxy(std::string upstreamHost, int upstreamPort);
  ~BlackHoleProxy();
  BlackHoleProxy(const BlackHoleProxy&) = delete;
  BlackHoleProxy& operator=(const BlackHoleProxy&) = delete;

  int port() const { return port_; }
  void blackHole(bool on) { blackHoled_ = on; }
  // Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  void run();

  std::string upstreamHost_;
  int upstreamPort_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> blackHoled_{false};
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace agape::test
