#pragma once
// Blocking HTTP requests to other services (payment and email providers),
// with a timeout, over libcurl (linked by the SDK library, not included
// here). Call it from handlers and jobs, never from a network thread.
//
//   auto r = agape::httpRequest("POST", base + "/emails",
//                               {"Authorization: Bearer " + key, "Content-Type: application/json"},
//                               body, std::chrono::seconds(10));
//   if (r.status == 200) ...
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace agape {

struct HttpReply {
  long status = 0;
  std::string body;
};

// Only http and https. Throws std::runtime_error when no answer came
// (connection refused, timeout, TLS); the message names the method and the
// URL's path, never the headers (they hold keys). Any HTTP status is an
// answer: the caller decides what it means.
HttpReply httpRequest(std::string_view method, const std::string& url, const std::vector<std::string>& headers,
                      const std::string& body, std::chrono::milliseconds timeout);

}  // namespace agape
