#pragma once
// A JSON HTTP server on 127.0.0.1 (Poco), for the fakes of outside services:
// every request goes to one handler with its method, URI, headers and body.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace Poco::Net {
class HTTPServer;
}

namespace agape::test {

struct LoopbackRequest {
  std::string method;
  std::string uri;
  std::map<std::string, std::string> headers;  // as sent; look up with header()
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct LoopbackReply {
  int status = 200;
  nlohmann::json body;
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<LoopbackReply(const LoopbackRequest&)>;
  LoopbackHttpServer(Handler handler, int threads = 8);
  ~LoopbackHttpServer();
  std::string url() const;  // http://127.0.0.1:<port>
  struct Gate;

 private:
  Handler handler_;
  std::shared_ptr<Gate> gate_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace agape::test
