#pragma once
// The HTTP server on Pistache's listener: reads each connection's requests (RequestReader),
// hands each to the Pipeline on the network thread (inline routes) or on the
// worker pool (everything else), and writes the responses back in order.
// Connection deadlines and the connection limit: ConnectionRegistry.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "config/kernel_config.h"
#include "http/client_address.h"
#include "http/connection_registry.h"
#include "http/pipeline.h"
#include "http/request_reader.h"
#include "http/worker_pool.h"

namespace Pistache::Tcp {
class Listener;
}

namespace agape::kernel {

class HttpServer {
 public:
  HttpServer(const ServerConfig& config, const Pipeline& pipeline, WorkerPool& workers);
  ~HttpServer();
  // Binds and starts serving on background threads; throws with the address
  // on failure (e.g. port in use).
  void start();
  std::uint16_t port() const;
  // Graceful stop: new requests get 503 while in-flight ones finish (up to
  // `grace`; a streamed response is in flight until its last chunk is out),
  // then streams still running are cut off and the listener and connections
  // close.
  void drainAndStop(std::chrono::milliseconds grace);
  bool draining() const { return draining_.load(); }
  unsigned long long inFlight() const { return inFlight_->load(); }

  struct Stats {
    std::size_t open = 0;  // client connections
    int limit = 0;
    std::array<long long, ConnectionRegistry::kReasons> closedFor{};  // by ConnectionRegistry::Reason
    long long acceptFailures = 0;  // accept(2) failed for want of descriptors
    long long malformed = 0;       // requests refused by the reader (then the connection closed)
  };
  Stats stats() const;

 private:
  class Handler;
  class Connection;
  class AcceptGuard;
  class Streams;
  const ServerConfig& config_;
  const CidrSet trustedProxies_;
  const Pipeline& pipeline_;
  WorkerPool& workers_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<std::atomic<unsigned long long>> inFlight_;
  std::atomic<long long> malformed_{0};
  std::shared_ptr<AcceptGuard> acceptGuard_;
  std::unique_ptr<Streams> streams_;
  std::unique_ptr<ConnectionRegistry> connections_;
  RequestReader::Limits readerLimits_;
  // Last, so it goes first: its threads use everything above.
  std::unique_ptr<Pistache::Tcp::Listener> listener_;
  bool running_ = false;
};

}  // namespace agape::kernel
