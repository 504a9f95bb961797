#pragma once
// A JSON HTTP server on 127.0.0.1, for fakes of the outside services a
// plugin calls (a payment provider, a mail API): point the plugin's base URL
// at url(), and every request goes to one handler with its method, URI,
// headers and body. Requests are served on threads of its own, so the
// handler must be thread-safe.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "agape/version.h"

namespace agape::testing {

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
  // When set, the answer is `bytes` with this Content-Type instead of `body`
  // (a file the fake delivers).
  std::string contentType;
  std::string bytes;
};

class AGAPE_API LoopbackHttpServer {
 public:
  using Handler = std::function<LoopbackReply(const LoopbackRequest&)>;
  LoopbackHttpServer(Handler handler, int threads = 8);
  // Waits for the handler calls under way; a request that comes later (the
  // plugin's retry of a call that outlived the test) is answered 503
  // without calling the handler, so it may use what is destroyed next.
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;
  std::string url() const;  // http://127.0.0.1:<port>

 private:
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace agape::testing
