#pragma once
#include <map>
#include <string>
#include <vector>

namespace agape::test {

struct HttpResult {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // lower-case names
  long connectsUsed = 0;  // new connections this request needed (0 = reused)
  std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
  }
};

// A blocking HTTP/1.1 client on libcurl that keeps its connection alive
// between requests, so tests can see keep-alive behaviour.
class HttpClient {
 public:
  explicit HttpClient(std::string base);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::vector<std::string>& headers = {});
  HttpResult get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return request("GET", path, "", headers);
  }

 private:
  std::string base_;
  void* curl_;
};

}  // namespace agape::test
