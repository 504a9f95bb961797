#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <algorithm>
#include <sstream>
#include <strings.h>
#include <thread>

#include "agape/problem.h"
#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {

namespace Http = Pistache::Http;

namespace {

std::optional<Method> toMethod(Http::Method m) {
  switch (m) {
    case Http::Method::Get: return Method::Get;
    case Http::Method::Head: return Method::Head;
    case Http::Method::Post: return Method::Post;
    case Http::Method::Put: return Method::Put;
    case Http::Method::Patch: return Method::Patch;
    case Http::Method::Delete: return Method::Delete;
    case Http::Method::Options: return Method::Options;
    default: return std::nullopt;
  }
}

// The right-most X-Forwarded-For entry is the one our trusted proxy added.
std::string forwardedClient(std::string_view header) {
  auto comma = header.rfind(',');
  std::string_view last = comma == std::string_view::npos ? header : header.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  return std::string(last);
}

// Pistache 0.0.5 writes only typed headers (raw ones are dropped), typed
// headers have compile-time names, and each one costs an allocation and a
// stream write. So the whole header block of a response travels as ONE typed
// header: Pistache writes "<first name>: " + write() + CRLF, and write()
// emits the first value followed by every other "Name: value" line.
// Values never carry CR or LF (they are replaced), so no response splitting.
class HeaderBlock final : public Http::Header::Header {
 public:
  explicit HeaderBlock(const Headers& headers, const std::string& contentType) {
    // Pistache keeps one header per name, and so do we: repeated names are
    // joined with ", " (RFC 9110 §5.3).
    const auto& all = headers.all();
    lines_.reserve(all.size() + 1);
    if (!contentType.empty()) lines_.emplace_back("Content-Type", contentType);
    for (const auto& h : all) {
      auto it = std::find_if(lines_.begin(), lines_.end(), [&](const auto& l) {
        return strcasecmp(l.first.c_str(), h.first.c_str()) == 0;
      });
      if (it == lines_.end()) lines_.push_back(h);
      else it->second += ", " + h.second;
    }
  }
  bool empty() const { return lines_.empty(); }
  const char* name() const override { return lines_.front().first.c_str(); }
  void write(std::ostream& os) const override {
    std::string out;
    std::size_t n = 0;
    for (const auto& l : lines_) n += l.first.size() + l.second.size() + 4;
    out.reserve(n);
    bool first = true;
    for (const auto& [k, v] : lines_) {
      if (!first) {
        out += "\r\n";
        appendClean(out, k);
        out += ": ";
      }
      first = false;
      appendClean(out, v);
    }
    os.write(out.data(), static_cast<std::streamsize>(out.size()));
  }
#ifdef SAFE_HEADER_CAST
  std::uint64_t hash() const override { return 0x41676170654862ULL; }
#endif

 private:
  static void appendClean(std::string& out, const std::string& text) {
    for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  }
  std::vector<std::pair<std::string, std::string>> lines_;
};

}  // namespace

class HttpServer::Handler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)

  explicit Handler(HttpServer* server) : server_(server) {}

  void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
    // In flight until the response is written, whichever thread writes it.
    auto done = std::shared_ptr<void>(nullptr, [counter = server_->inFlight_](void*) {
      counter->fetch_sub(1, std::memory_order_relaxed);
    });
    server_->inFlight_->fetch_add(1, std::memory_order_relaxed);
    auto ex = std::make_shared<Exchange>();
    bool keepAlive = convert(req, ex->request);
    const Pipeline& pipeline = server_->pipeline_;

    if (!toMethod(req.method())) {
      ex->response = Response::withStatus(501);
    } else if (server_->draining_.load(std::memory_order_relaxed)) {
      applyProblem(*ex, Problem::unavailable("The server is shutting down; retry shortly.").withHeader("Retry-After", "1"));
      keepAlive = false;
    } else {
      pipeline.resolve(*ex);
      bool runInline = ex->match.outcome != Router::Outcome::Found || ex->match.route->options.runInline;
      if (!runInline && pipeline.tryFastPath(*ex)) {
        write(writer, *ex, keepAlive);
        return;
      }
      if (!runInline) {
        auto shared = std::make_shared<Http::ResponseWriter>(std::move(writer));
        bool queued = server_->workers_.submit([ex, shared, keepAlive, done, &pipeline] {
          pipeline.run(*ex);
          write(*shared, *ex, keepAlive);
        });
        if (queued) return;
        applyProblem(*ex, Problem::unavailable("The server is overloaded; retry shortly.").withHeader("Retry-After", "1"));
        write(*shared, *ex, keepAlive);
        return;
      }
      pipeline.run(*ex);
    }
    write(writer, *ex, keepAlive);
  }

 private:
  // Copies what the pipeline needs out of Pistache's request. Returns whether
  // the connection stays open: HTTP/1.1 keeps it unless the client said
  // "close" (Pistache alone would close when the header is absent).
  bool convert(const Http::Request& in, Request& out) const {
    out.method = toMethod(in.method()).value_or(Method::Get);
    out.path = in.resource();
    // Pistache splits the query but leaves it percent-encoded.
    for (auto it = in.query().parameters_begin(); it != in.query().parameters_end(); ++it) {
      auto key = percentDecode(it->first, true);
      auto value = percentDecode(it->second, true);
      out.queryParams.emplace_back(key ? std::move(*key) : it->first, value ? std::move(*value) : it->second);
    }
    out.body = in.body();
    bool keepAlive = in.version() == Http::Version::Http11;
    for (const auto& h : in.headers().list()) {
      // One stream per thread: constructing an ostringstream per header
      // costs more than the rest of the conversion.
      thread_local std::ostringstream os;
      os.str({});
      os.clear();
      h->write(os);
      std::string name = h->name();
      if (name == "Connection") {
        auto c = std::static_pointer_cast<Http::Header::Connection>(h);
        keepAlive = c->control() == Http::ConnectionControl::KeepAlive;
      }
      out.headers.add(std::move(name), os.str());
    }
    for (const auto& [name, raw] : in.headers().rawList()) out.headers.add(raw.name(), raw.value());
    out.clientIp = in.address().host();
    if (server_->config_.trustForwardedFor)
      if (auto fwd = out.headers.get("X-Forwarded-For"); fwd && !fwd->empty()) out.clientIp = forwardedClient(*fwd);
    return keepAlive;
  }

  // Never throws: a failed write (peer gone) is logged, not propagated into
  // Pistache's reactor or a worker thread.
  static void write(Http::ResponseWriter& writer, Exchange& ex, bool keepAlive) noexcept {
    try {
      writeOrThrow(writer, ex, keepAlive);
    } catch (const std::exception& e) {
      JsonLogger("http").warn("response not written", {{"error", e.what()}, {"requestId", ex.request.requestId}});
    }
  }

  static void writeOrThrow(Http::ResponseWriter& writer, Exchange& ex, bool keepAlive) {
    auto& headers = writer.headers();
    auto block = std::make_shared<HeaderBlock>(ex.response.headers, ex.response.contentType);
    if (!block->empty()) headers.add(block);
    // Pistache has already put its own Connection header (Close for an
    // HTTP/1.1 request without one); replace it.
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(keepAlive ? Http::ConnectionControl::KeepAlive
                                                    : Http::ConnectionControl::Close);
    if (ex.request.method == Method::Head) ex.response.body.clear();
    writer.send(static_cast<Http::Code>(ex.response.status), ex.response.body);
  }

  HttpServer* server_;
};

HttpServer::HttpServer(const ServerConfig& config, const Pipeline& pipeline, WorkerPool& workers)
    : config_(config), pipeline_(pipeline), workers_(workers),
      inFlight_(std::make_shared<std::atomic<unsigned long long>>(0)) {}

HttpServer::~HttpServer() {
  if (running_) drainAndStop(std::chrono::milliseconds(0));
}

void HttpServer::start() {
  Pistache::Address addr(config_.host, Pistache::Port(static_cast<std::uint16_t>(config_.port)));
  endpoint_ = std::make_unique<Http::Endpoint>(addr);
  // Requests carry the largest body any route accepts plus headers.
  std::size_t maxBody = config_.maxBodyBytes;
  for (const auto& r : pipeline_.router().routes()) maxBody = std::max(maxBody, r.options.bodyLimit);
  auto opts = Http::Endpoint::options()
                  .threads(config_.ioThreads)
                  .threadsName("agape-io")
                  .flags(Pistache::Tcp::Options::ReuseAddr)
                  .maxRequestSize(maxBody + 64 * 1024)
                  .maxResponseSize(64 * 1024 * 1024)
                  .keepaliveTimeout(config_.keepAliveTimeout);
  endpoint_->init(opts);
  endpoint_->setHandler(std::make_shared<Handler>(this));
  try {
    endpoint_->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " + e.what());
  }
  running_ = true;
}

std::uint16_t HttpServer::port() const { return endpoint_ ? static_cast<std::uint16_t>(endpoint_->getPort()) : 0; }

void HttpServer::drainAndStop(std::chrono::milliseconds grace) {
  if (!running_) return;
  draining_ = true;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (inFlight_->load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (inFlight_->load() > 0)
    JsonLogger("http").warn("shutdown grace expired with requests in flight",
                            {{"inFlight", std::to_string(inFlight_->load())}});
  endpoint_->shutdown();
  running_ = false;
}

}  // namespace agape::kernel
