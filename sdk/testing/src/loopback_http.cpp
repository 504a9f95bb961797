#include "agape/testing/loopback_http.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

namespace agape::testing {
namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(const LoopbackHttpServer::Handler& handle) : handle_(handle) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
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
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(const LoopbackHttpServer::Handler& handle) : handle_(handle) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(handle_);
  }

 private:
  const LoopbackHttpServer::Handler& handle_;
};

}  // namespace

struct LoopbackHttpServer::Server {
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler, int threads)
    : handler_(std::move(handler)), server_(std::make_unique<Server>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  server_->http = std::make_unique<Poco::Net::HTTPServer>(new Factory(handler_), socket, params);
  server_->http->start();
}

LoopbackHttpServer::~LoopbackHttpServer() { server_->http->stopAll(true); }

std::string LoopbackHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(server_->http->port()); }

}  // namespace agape::testing
