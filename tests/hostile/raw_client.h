#pragma once
// A client on a raw TCP socket for the hostile tests: writes exactly the
// bytes it is given and reads responses byte for byte, every read with a
// deadline, so a server that hangs fails a test instead of stalling it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace agape::test {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One TCP connection, written and read byte for byte.
class RawClient {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  bool connected() const { return connected_; }

  // False when the server has closed the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The status line and headers of the next response (an interim 100
  // included), its body left unread; nullopt when none came in time or the
  // connection ended first.
  std::optional<RawResponse> readHead(std::chrono::milliseconds timeout = 3000ms) {
    return readHead(Clock::now() + timeout);
  }

  // The next response, its body delimited by Content-Length (none: empty).
  std::optional<RawResponse> read(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    auto r = readHead(deadline);
    if (!r) return std::nullopt;
    const std::size_t length =
        r->headers.count("content-length") ? std::stoul(r->headers["content-length"]) : 0;
    while (buf_.size() < length)
      if (!fill(deadline)) return std::nullopt;
    r->body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // A chunked body (after readHead): its bytes, and whether the last chunk
  // came. Not complete: the connection ended, or time ran out, first.
  struct Chunked {
    std::string body;
    bool complete = false;
  };
  Chunked readChunked(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    Chunked out;
    for (;;) {
      std::size_t lineEnd;
      while ((lineEnd = buf_.find("\r\n")) == std::string::npos)
        if (!fill(deadline)) return out;
      const std::size_t size = std::stoul(buf_.substr(0, lineEnd), nullptr, 16);
      const std::size_t frame = lineEnd + 2 + size + 2;  // size line, data, CRLF
      while (buf_.size() < frame)
        if (!fill(deadline)) return out;
      if (buf_.compare(frame - 2, 2, "\r\n") != 0) {
        ADD_FAILURE() << "a chunk of " << size << " bytes does not end with CRLF";
        return out;
      }
      buf_.erase(0, lineEnd + 2);
      if (size == 0) {  // no trailers: the last chunk is "0\r\n\r\n"
        buf_.erase(0, 2);
        out.complete = true;
        return out;
      }
      out.body.append(buf_, 0, size);
      buf_.erase(0, size + 2);
    }
  }

  // Everything until the server closes the connection (an HTTP/1.0 body);
  // nullopt when time ran out first.
  std::optional<std::string> readUntilClose(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    while (!eof_)
      if (!fill(deadline) && !eof_) return std::nullopt;
    std::string all = std::move(buf_);
    buf_.clear();
    return all;
  }

  // Reads and drops up to `max` bytes, as a slow client would take them;
  // how many came (0: none in time, or the connection ended).
  std::size_t drain(std::size_t max, std::chrono::milliseconds timeout = 3000ms) {
    if (buf_.empty() && !fill(Clock::now() + timeout, max)) return 0;
    const std::size_t n = std::min(max, buf_.size());
    buf_.erase(0, n);
    return n;
  }

  // True when the server ends the connection within `timeout` (bytes that
  // still arrive first are kept for read()).
  bool closedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!eof_)
      if (!fill(deadline) && !eof_) return false;
    return true;
  }

  const std::string& unread() const { return buf_; }

 private:
  std::optional<RawResponse> readHead(Clock::time_point deadline) {
    std::size_t headEnd;
    while ((headEnd = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline)) return std::nullopt;
    RawResponse r;
    std::istringstream head(buf_.substr(0, headEnd));
    std::string line;
    std::getline(head, line);
    if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return std::nullopt;
    r.status = std::stoi(line.substr(9, 3));
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[lower(line.substr(0, colon))] = value;
    }
    buf_.erase(0, headEnd + 4);
    return r;
  }

  bool fill(Clock::time_point deadline, std::size_t max = 65536) {
    if (eof_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, std::min(max, sizeof chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buf_;
};

inline std::string get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: shop\r\n\r\n"; }

inline void expectProblem(const std::optional<RawResponse>& r, int status) {
  ASSERT_TRUE(r) << "no answer";
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_FALSE(r->header("x-request-id").empty());
  EXPECT_NE(r->body.find("\"status\":" + std::to_string(status)), std::string::npos) << r->body;
}

// A sample's value in Prometheus text, or -1 when absent.
inline double metric(const std::string& text, const std::string& sample) {
  auto pos = text.find("\n" + sample + " ");
  return pos == std::string::npos ? -1 : std::stod(text.substr(pos + sample.size() + 2));
}

inline std::string metricsOver(RawClient& c) {
  if (!c.send(get("/metrics"))) return "";
  auto r = c.read();
  return r ? r->body : "";
}

}  // namespace agape::test
