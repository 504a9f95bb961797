#include "agape/testing/loopback_http.h"

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

namespace agape::testing {
namespace {

// What the server's connection threads share with the LoopbackHttpServer:
// owned jointly, so a thread that starts a request after the server object
// is gone still finds it, sees `closed` and leaves the handler alone.
struct Gate {
  explicit Gate(LoopbackHttpServer::Handler h) : handle(std::move(h)) {}
  LoopbackHttpServer::Handler handle;
  std::mutex mutex;
  std::condition_variable idle;
  int active = 0;
  bool closed = false;
};

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    LoopbackRequest in;
    in.method = req.getMethod();
    in.uri = req.getURI();
    for (const auto& [name, value] : req) in.headers[name] = value;
    Poco::StreamCopier::copyToString(req.stream(), in.body);
    LoopbackReply reply{503, nlohmann::json{{"error", "the test's server is closing"}}};
    {
      std::unique_lock lock(gate_->mutex);
      if (!gate_->closed) {
        ++gate_->active;
        lock.unlock();
        try {
          reply = gate_->handle(in);
        } catch (...) {
          reply = LoopbackReply{500, nlohmann::json{{"error", "the fake's handler threw"}}};
        }
        lock.lock();
        if (--gate_->active == 0) gate_->idle.notify_all();
      }
    }
    const bool file = !reply.contentType.empty();
    const std::string out = file ? reply.bytes : reply.body.dump();
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    res.setContentType(file ? reply.contentType : "application/json");
    res.setContentLength(static_cast<std::streamsize>(out.size()));
    res.send() << out;
  }

 private:
  std::shared_ptr<Gate> gate_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(gate_);
  }

 private:
  std::shared_ptr<Gate> gate_;
};

}  // namespace

struct LoopbackHttpServer::Server {
  std::shared_ptr<Gate> gate;
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler, int threads) : server_(std::make_unique<Server>()) {
  server_->gate = std::make_shared<Gate>(std::move(handler));
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  server_->http = std::make_unique<Poco::Net::HTTPServer>(new Factory(server_->gate), socket, params);
  server_->http->start();
}

LoopbackHttpServer::~LoopbackHttpServer() {
  {
    std::unique_lock lock(server_->gate->mutex);
    server_->gate->closed = true;
    server_->gate->idle.wait(lock, [&] { return server_->gate->active == 0; });
  }
  // Poco's stop does not wait for connection threads; the gate keeps them
  // away from the handler from here on.
  server_->http->stopAll(true);
}

std::string LoopbackHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(server_->http->port()); }

}  // namespace agape::testing
