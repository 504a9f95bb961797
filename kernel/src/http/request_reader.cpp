#include "http/request_reader.h"

#include <http_parser.h>
#include <strings.h>

#include <algorithm>
#include <string_view>
#include <utility>

namespace agape::kernel {
namespace {

constexpr std::size_t kCompactAbove = 64 * 1024;  // parsed bytes dropped from the buffer past this

bool isTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// origin-form "/p?q#f", absolute-form "http://host/p?q", asterisk-form "*";
// false for anything else. The views point into `target`.
bool splitTarget(std::string_view target, std::string_view& path, std::string_view& query) {
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (target == "*") {
    path = target;
    return true;
  }
  if (target.empty() || target.front() != '/') {
    const auto scheme = target.find("://");
    if (scheme == std::string_view::npos) return false;
    const auto slash = target.find_first_of("/?", scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    if (target.front() == '?') {
      path = "/";
      query = target.substr(1);
      return true;
    }
  }
  const auto q = target.find('?');
  path = target.substr(0, q);
  if (q != std::string_view::npos) query = target.substr(q + 1);
  return true;
}

}  // namespace

struct RequestReader::Parser {
  http_parser parser{};
  http_parser_settings settings{};
  RequestReader* owner = nullptr;
  // Where the buffer passed to http_parser_execute starts in the
  // connection's byte stream: to tell a value split across reads from an
  // obs-fold continuation line.
  const char* base = nullptr;
  std::size_t baseOffset = 0;
  std::string target;
  std::size_t headerBytes = 0;
  std::size_t lastValueEnd = 0;  // stream offset just past the last value bytes
  bool inField = false, inValue = false;
  bool inMessage = false, headersDone = false;
  bool continuePending = false;

  std::size_t offsetOf(const char* at) const { return baseOffset + static_cast<std::size_t>(at - base); }

  static Parser& of(http_parser* p) { return *static_cast<Parser*>(p->data); }

  bool countHeader(std::size_t n) {
    headerBytes += n;
    if (headerBytes <= owner->limits_.maxHeaderBytes) return true;
    owner->fail(431, "header_too_large",
                "The request line and header fields exceed " + std::to_string(owner->limits_.maxHeaderBytes) +
                    " bytes.");
    return false;
  }

  static int onMessageBegin(http_parser* p) {
    Parser& self = of(p);
    self.owner->request_ = ReadRequest{};
    self.target.clear();
    self.headerBytes = 0;
    self.inField = self.inValue = false;
    self.inMessage = true;
    self.headersDone = false;
    self.continuePending = false;
    return 0;
  }

  static int onUrl(http_parser* p, const char* at, std::size_t n) {
    Parser& self = of(p);
    if (!self.countHeader(n)) return -1;
    self.target.append(at, n);
    return 0;
  }

  static int onHeaderField(http_parser* p, const char* at, std::size_t n) {
    Parser& self = of(p);
    if (!self.countHeader(n)) return -1;
    if (self.headersDone) return 0;  // a trailer: dropped, never merged into the headers (RFC 9110 §6.5.1)
    auto& headers = self.owner->request_.headers;
    if (!self.inField) headers.emplace_back();
    headers.back().first.append(at, n);
    self.inField = true;
    self.inValue = false;
    return 0;
  }

  static int onHeaderValue(http_parser* p, const char* at, std::size_t n) {
    Parser& self = of(p);
    if (!self.countHeader(n)) return -1;
    if (self.headersDone) return 0;
    const std::size_t start = self.offsetOf(at);
    // The same value continuing elsewhere than where it stopped means a
    // line break came between: an obs-fold line, which RFC 9112 lets a
    // server refuse (folding is how header-injection tricks are smuggled).
    if (self.inValue && start != self.lastValueEnd) {
      self.owner->fail(400, "validation_failed",
                       "Header field values must not be folded over several lines.");
      return -1;
    }
    self.owner->request_.headers.back().second.append(at, n);
    self.lastValueEnd = start + n;
    self.inField = false;
    self.inValue = true;
    return 0;
  }

  static int onHeadersComplete(http_parser* p) {
    Parser& self = of(p);
    RequestReader& r = *self.owner;
    ReadRequest& req = r.request_;
    self.headersDone = true;
    self.inField = self.inValue = false;
    if (p->http_major != 1 || p->http_minor > 1) {
      r.fail(505, "http_version_not_supported", "Only HTTP/1.0 and HTTP/1.1 are supported.");
      return -1;
    }
    req.minorVersion = p->http_minor;
    req.method = http_method_str(static_cast<http_method>(p->method));
    std::string_view path, query;
    if (!splitTarget(self.target, path, query)) {
      r.fail(400, "validation_failed", "The request target must be a path such as /v1/products.");
      return -1;
    }
    req.path.append(path);  // appended: GCC 12 warns falsely (-Wrestrict) on assigning a view
    req.query.append(query);
    int hosts = 0;
    for (auto& [name, value] : req.headers) {
      if (!isToken(name)) {
        r.fail(400, "validation_failed",
               "Header field names must be tokens, with no space before the colon.");
        return -1;
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (iequals(name, "Host")) ++hosts;
      if (iequals(name, "Expect") && iequals(value, "100-continue")) self.continuePending = true;
    }
    if (hosts > 1 || (hosts == 0 && req.minorVersion == 1)) {
      r.fail(400, "validation_failed", "An HTTP/1.1 request needs exactly one Host header.");
      return -1;
    }
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > r.limits_.maxBodyBytes) {
      r.fail(413, "payload_too_large",
             "The request body exceeds " + std::to_string(r.limits_.maxBodyBytes) + " bytes.");
      return -1;
    }
    const bool bodyFollows =
        (p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0);
    if (!bodyFollows) self.continuePending = false;
    if (p->flags & F_CONTENTLENGTH) req.body.reserve(static_cast<std::size_t>(p->content_length));
    return 0;
  }

  static int onBody(http_parser* p, const char* at, std::size_t n) {
    Parser& self = of(p);
    RequestReader& r = *self.owner;
    self.continuePending = false;
    if (r.request_.body.size() + n > r.limits_.maxBodyBytes) {
      r.fail(413, "payload_too_large",
             "The request body exceeds " + std::to_string(r.limits_.maxBodyBytes) + " bytes.");
      return -1;
    }
    r.request_.body.append(at, n);
    return 0;
  }

  static int onMessageComplete(http_parser* p) {
    Parser& self = of(p);
    // An Upgrade (or CONNECT) hands the rest of the stream to another
    // protocol we do not speak: answer this request, then close.
    self.owner->request_.keepAlive =
        http_should_keep_alive(p) != 0 && !(p->flags & F_UPGRADE) && p->method != HTTP_CONNECT;
    self.inMessage = false;
    self.headersDone = false;
    self.continuePending = false;
    http_parser_pause(p, 1);  // one request at a time: the caller answers it first
    return 0;
  }
};

RequestReader::RequestReader(Limits limits) : limits_(limits), parser_(std::make_unique<Parser>()) {
  Parser& p = *parser_;
  p.owner = this;
  http_parser_init(&p.parser, HTTP_REQUEST);
  p.parser.data = &p;
  http_parser_settings_init(&p.settings);
  p.settings.on_message_begin = &Parser::onMessageBegin;
  p.settings.on_url = &Parser::onUrl;
  p.settings.on_header_field = &Parser::onHeaderField;
  p.settings.on_header_value = &Parser::onHeaderValue;
  p.settings.on_headers_complete = &Parser::onHeadersComplete;
  p.settings.on_body = &Parser::onBody;
  p.settings.on_message_complete = &Parser::onMessageComplete;
}

RequestReader::~RequestReader() = default;

bool RequestReader::feed(const char* data, std::size_t size) {
  const std::size_t unparsed = pending_.size() - consumed_;
  if (unparsed + size > limits_.maxHeaderBytes + limits_.maxBodyBytes + kCompactAbove) return false;
  if (consumed_ > kCompactAbove || consumed_ == pending_.size()) {
    pending_.erase(0, consumed_);
    consumed_ = 0;
  }
  pending_.append(data, size);
  return true;
}

RequestReader::Result RequestReader::next() {
  if (failed_) return Result::Error;
  if (consumed_ == pending_.size()) return Result::NeedMore;
  Parser& p = *parser_;
  const char* start = pending_.data() + consumed_;
  const std::size_t size = pending_.size() - consumed_;
  p.base = start;
  p.baseOffset = parsedTotal_;
  const std::size_t parsed = http_parser_execute(&p.parser, &p.settings, start, size);
  consumed_ += parsed;
  parsedTotal_ += parsed;
  if (failed_) return Result::Error;  // refused by one of our checks
  const auto err = HTTP_PARSER_ERRNO(&p.parser);
  if (err == HPE_PAUSED) {
    http_parser_pause(&p.parser, 0);
    return Result::Request;
  }
  if (err != HPE_OK) {
    switch (err) {
      case HPE_HEADER_OVERFLOW:
        fail(431, "header_too_large", "The request line and header fields are too large.");
        break;
      case HPE_INVALID_TRANSFER_ENCODING:
        fail(501, "not_implemented", "Only the chunked transfer coding is supported.");
        break;
      case HPE_INVALID_METHOD:
        fail(501, "not_implemented", "The request method is not supported.");
        break;
      default:
        fail(400, "validation_failed",
             std::string("Malformed HTTP request: ") + http_errno_description(err) + ".");
    }
    return Result::Error;
  }
  // An HTTP/0.9 request line ("GET /") has no version and no headers to
  // follow: the parser would wait for headers that never come.
  if (p.inMessage && p.parser.http_major == 0 && p.parser.http_minor == 9) {
    fail(505, "http_version_not_supported", "Only HTTP/1.0 and HTTP/1.1 are supported.");
    return Result::Error;
  }
  return Result::NeedMore;
}

RequestReader::Phase RequestReader::phase() const {
  if (parser_->headersDone) return Phase::Body;
  if (parser_->inMessage || consumed_ < pending_.size()) return Phase::Head;
  return Phase::Idle;
}

bool RequestReader::takeContinue() { return std::exchange(parser_->continuePending, false); }

void RequestReader::fail(int status, std::string code, std::string detail) {
  if (failed_) return;
  failed_ = true;
  error_ = ReadError{status, std::move(code), std::move(detail)};
}

}  // namespace agape::kernel
