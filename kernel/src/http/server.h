#pragma once
// The Pistache endpoint: parses HTTP, hands each request to the Pipeline on
// the network thread (inline routes) or on the worker pool (everything
// else), and writes the response back.

#include <atomic>
#include <cstdint>
#include <memory>

#include "config/kernel_config.h"
#include "http/pipeline.h"
#include "http/worker_pool.h"

namespace Pistache::Http {
class Endpoint;
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
  // `grace`), then the listener and connections close.
  void drainAndStop(std::chrono::milliseconds grace);
  bool draining() const { return draining_.load(); }
  unsigned long long inFlight() const { return inFlight_->load(); }

 private:
  class Handler;
  const ServerConfig& config_;
  const Pipeline& pipeline_;
  WorkerPool& workers_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<std::atomic<unsigned long long>> inFlight_;
  bool running_ = false;
};

}  // namespace agape::kernel
