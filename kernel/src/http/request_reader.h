#pragma once
// Reads HTTP/1.x requests off one connection's bytes, before anything else
// sees them: request line, header fields, a Content-Length or chunked body,
// pipelined requests one at a time. Parsing is Debian's libhttp-parser (the
// parser Node.js used for a decade); this class adds what RFC 9112 asks of
// a server on top of it: a Host header on HTTP/1.1, no whitespace before a
// field's colon, no obs-fold, versions 1.0 and 1.1 only, and size limits.
// Whatever it refuses is one ReadError, after which the connection closes:
// a request whose framing is in doubt leaves nothing to trust after it.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace agape::kernel {

struct ReadRequest {
  std::string method;    // as sent: "GET", "PROPFIND"...
  std::string path;      // the target's path, still percent-encoded ("*" for OPTIONS *)
  std::string query;     // after '?' and before any '#', still percent-encoded
  int minorVersion = 1;  // HTTP/1.<minorVersion>
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;                                          // de-chunked
  bool keepAlive = true;
};

struct ReadError {
  int status = 400;
  std::string code;  // the problem+json code
  std::string detail;
};

class RequestReader {
 public:
  struct Limits {
    std::size_t maxHeaderBytes = 64 * 1024;  // request line and header fields together
    std::size_t maxBodyBytes = 1 << 20;
  };
  enum class Result { NeedMore, Request, Error };
  // Where the request being read is: no byte of it yet, in its head, in its body.
  enum class Phase { Idle, Head, Body };

  explicit RequestReader(Limits limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Keeps bytes for parsing. False when more than one whole request's worth
  // waits unparsed (a client writing without reading): close the connection.
  bool feed(const char* data, std::size_t size);
  // Parses what was fed, up to the end of the next request.
  Result next();
  ReadRequest& request() { return request_; }  // after Result::Request, until the next call
  const ReadError& error() const { return error_; }
  Phase phase() const;
  // True once for a request whose head asked "Expect: 100-continue" and
  // whose body has not arrived: the caller sends the interim response.
  bool takeContinue();

 private:
  struct Parser;
  friend struct Parser;
  void fail(int status, std::string code, std::string detail);

  const Limits limits_;
  std::unique_ptr<Parser> parser_;
  std::string pending_;  // bytes fed; those from consumed_ on are not parsed yet
  std::size_t consumed_ = 0;
  std::size_t parsedTotal_ = 0;  // bytes parsed over the connection's life
  ReadRequest request_;
  ReadError error_;
  bool failed_ = false;
};

}  // namespace agape::kernel
