#include "support/loopback_http.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <condition_variable>
#include <mutex>

namespace agape::test {

// Poco's server stops accepting when told, but a connection already being
// served finishes on its own pooled thread: the destructor waits for those,
// and a request that arrives while it closes is answered 503 without
// reaching the handler (whose state is going away).
struct LoopbackHttpServer::Gate {
  std::mutex mutex;
  std::condition_variable idle;
  int active = 0;
  bool closed = false;
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(const LoopbackHttpServer::Handler& handle, std::shared_ptr<LoopbackHttpServer::Gate> gate)
      : handle_(handle), gate_(std::move(gate)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    {
      std::lock_guard<std::mutex> lock(gate_->mutex);
      if (gate_->closed) {
        res.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
        res.setContentLength(0);
        res.send();
        return;
      }
      ++gate_->active;
    }
    struct Leave {
      LoopbackHttpServer::Gate& gate;
      ~Leave() {
        std::lock_guard<std::mutex> lock(gate.mutex);
        --gate.active;
        gate.idle.notify_all();
      }
    } leave{*gate_};
    LoopbackRequest in;
    in.method = req.getMethod();
    in.uri = req.getURI();
    for (const auto& [name, value] : req) in.headers[name] = value;
    Poco::StreamCopier::copyToString(req.stream(), in.body);
    const LoopbackReply reply = handle_(in);
    const std::string out = reply.body.dump();
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    res.setContentType("application/json");
    res.setContentLength(static_cast<std::streamsize>(out.size()));
    res.send() << out;
  }

 private:
  const LoopbackHttpServer::Handler& handle_;
  std::shared_ptr<LoopbackHttpServer::Gate> gate_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const LoopbackHttpServer::Handler& handle, std::shared_ptr<LoopbackHttpServer::Gate> gate)
      : handle_(handle), gate_(std::move(gate)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(handle_, gate_);
  }

 private:
  const LoopbackHttpServer::Handler& handle_;
  std::shared_ptr<LoopbackHttpServer::Gate> gate_;
};

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(Handler handler, int threads)
    : handler_(std::move(handler)), gate_(std::make_shared<Gate>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(handler_, gate_), socket, params);
  server_->start();
}

LoopbackHttpServer::~LoopbackHttpServer() {
  {
    std::lock_guard<std::mutex> lock(gate_->mutex);
    gate_->closed = true;
  }
  server_->stopAll(true);
  std::unique_lock<std::mutex> lock(gate_->mutex);
  gate_->idle.wait(lock, [this] { return gate_->active == 0; });
}

std::string LoopbackHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

}  // namespace agape::test
