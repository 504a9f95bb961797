#include "http/server.h"

#include <pistache/http.h>
#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/string_logger.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <strings.h>
#include <algorithm>
#include <optional>
#include <thread>
#include <unordered_set>

#include "agape/problem.h"
#include "http/body_stream.h"
#include "http/connection_registry.h"
#include "http/middleware/middlewares.h"
#include "http/request_reader.h"
#include "log/log.h"

namespace agape::kernel {

namespace Http = Pistache::Http;
namespace Tcp = Pistache::Tcp;

namespace {

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
      if (it == lines_.end())
        lines_.push_back(h);
      else
        it->second += ", " + h.second;
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
  // Every line with its CRLF, for a head the kernel writes itself.
  void appendTo(std::string& out) const {
    for (const auto& [k, v] : lines_) {
      appendClean(out, k);
      out += ": ";
      appendClean(out, v);
      out += "\r\n";
    }
  }

 private:
  static void appendClean(std::string& out, const std::string& text) {
    for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  }
  std::vector<std::pair<std::string, std::string>> lines_;
};

// The status line and headers of a streamed response. The kernel writes them
// itself: Pistache's ResponseStream always says chunked (wrong for HTTP/1.0),
// and its flush gives no promise to wait on, so no backpressure.
std::string streamHead(const Exchange& ex, bool keepAlive, BodyStream::Framing framing) {
  std::string head = ex.http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(ex.response.status);
  head += ' ';
  head += Http::codeString(static_cast<Http::Code>(ex.response.status));
  head += "\r\n";
  // The framing is the kernel's to say: a plugin's Content-Length next to
  // chunked is the ambiguity request smuggling feeds on.
  Headers headers = ex.response.headers;
  for (const char* name : {"Content-Length", "Transfer-Encoding", "Connection"}) headers.remove(name);
  HeaderBlock(headers, ex.response.contentType).appendTo(head);
  head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  // HEAD says what GET would, without the body.
  if (framing == BodyStream::Framing::Chunked || (framing == BodyStream::Framing::None && !ex.http10))
    head += "Transfer-Encoding: chunked\r\n";
  head += "\r\n";
  return head;
}

// A streamed body's way to the client: Pistache's write queue for the peer,
// whose promise says when the bytes are in the socket. The peer is held
// weakly: a client gone meanwhile fails the send, never crashes it.
class PeerSink final : public StreamSink {
 public:
  explicit PeerSink(std::weak_ptr<Tcp::Peer> peer) : peer_(std::move(peer)) {}
  void send(std::string bytes, std::function<void(bool)> done) override {
    auto peer = peer_.lock();
    if (!peer) return done(false);
    const std::size_t size = bytes.size();
    peer->send(Pistache::RawBuffer(std::move(bytes), size))
        .then([done](ssize_t) { done(true); }, [done](std::exception_ptr) { done(false); });
  }

 private:
  std::weak_ptr<Tcp::Peer> peer_;
};

}  // namespace

// The streams being sent, so that a stop that cannot wait for them any more
// cuts them off instead of leaving their workers waiting on a closed listener.
class HttpServer::Streams {
 public:
  // Once the server has stopped streaming, a stream added is cancelled at once.
  void add(BodyStream& stream) {
    std::lock_guard lock(mutex_);
    if (stopped_) stream.cancel("the server is stopping");
    streams_.insert(&stream);
  }
  void remove(BodyStream& stream) {
    std::lock_guard lock(mutex_);
    streams_.erase(&stream);
  }
  void cancelAll() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (BodyStream* s : streams_) s->cancel("the server is stopping");
  }

 private:
  std::mutex mutex_;
  std::unordered_set<BodyStream*> streams_;
  bool stopped_ = false;
};

// Pistache's accept loop logs a failed accept(2) and tries again at once;
// with no descriptor left (EMFILE, ENFILE) the listening socket stays
// readable and that loop spins a core. Its logger is the one hook on that
// thread: a failed accept waits there (10 ms doubling to 1 s) before the loop
// goes on, and is counted. An episode (one warning, then one line when it
// is over) lasts until connections are accepted again with no failure for
// a second: a descriptor freed now and then does not end it.
class HttpServer::AcceptGuard final : public Pistache::Log::StringLogger {
 public:
  void log(Pistache::Log::Level, const std::string& message) override {
    if (message.find("Too many open files") == std::string::npos) {
      JsonLogger("http").warn("listener", {{"message", message}});
      return;
    }
    failures_.fetch_add(1, std::memory_order_relaxed);
    lastFailureMs_.store(nowMs(), std::memory_order_relaxed);
    if (!inEpisode_.exchange(true))
      JsonLogger("http").warn("out of file descriptors: not accepting connections for a while; raise the "
                              "descriptor limit (LimitNOFILE) or lower server.maxConnections",
                              {{"error", message}});
    const long long wait = backoffMs_.load(std::memory_order_relaxed);
    backoffMs_.store(std::min<long long>(wait * 2, 1000), std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
  bool isEnabledFor(Pistache::Log::Level level) const override { return level >= Pistache::Log::Level::WARN; }

  // A connection was accepted.
  void accepted() {
    if (!inEpisode_.load(std::memory_order_relaxed) ||
        nowMs() - lastFailureMs_.load(std::memory_order_relaxed) < kQuietMs)
      return;
    if (inEpisode_.exchange(false)) {
      backoffMs_.store(kFirstBackoffMs, std::memory_order_relaxed);
      JsonLogger("http").info("accepting connections again",
                              {{"failedAccepts", std::to_string(failures_.load(std::memory_order_relaxed))}});
    }
  }
  long long failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  static constexpr long long kFirstBackoffMs = 10, kQuietMs = 1000;
  static long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::atomic<bool> inEpisode_{false};
  std::atomic<long long> backoffMs_{kFirstBackoffMs};
  std::atomic<long long> lastFailureMs_{0};
  std::atomic<long long> failures_{0};
};

// Pistache's handler, one per network thread. Requests are read by the
// kernel's RequestReader (onInput), never by Pistache's own parser, which
// spins on some chunked bodies and answers only the first of pipelined
// requests; Pistache keeps the sockets, the reactor and response writing.
class HttpServer::Handler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)

  explicit Handler(HttpServer* server) : server_(server) {}

  void onRequest(const Http::Request&, Http::ResponseWriter) override {}  // never called: see onInput

  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override;

  Http::ResponseWriter writer(Http::Version version, const std::shared_ptr<Tcp::Peer>& peer) {
    return Http::ResponseWriter(version, transport(), this, peer);
  }

 private:
  HttpServer* server_;
};

// One client connection: its request reader, and whether one of its
// requests is being answered. Requests are answered one at a time, in the
// order they came (pipelined ones wait in the reader); the thread that
// finishes a response goes on with the next request.
class HttpServer::Connection final : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer& server, Handler& handler, const std::shared_ptr<Tcp::Peer>& peer,
             std::shared_ptr<ConnectionRegistry::Entry> entry, RequestReader::Limits limits)
      : server_(server),
        handler_(handler),
        peer_(peer),
        entry_(std::move(entry)),
        reader_(limits),
        headStart_(Clock::now()) {
    entry_->setDeadline(ConnectionRegistry::Reason::HeaderTimeout,
                        headStart_ + server_.config_.headerTimeout);
  }

  // Network thread: bytes from the client.
  void received(const char* data, std::size_t size) {
    {
      std::lock_guard lock(mutex_);
      if (closing_ || gone_) return;  // after the last response: read and dropped until the close
      const bool wasIdle = reader_.phase() == RequestReader::Phase::Idle;
      if (!reader_.feed(data, size)) {
        // Far more than a request's worth, unread: a client that writes without reading.
        closing_ = true;
        server_.connections_->finish(entry_, std::chrono::milliseconds(0));
        return;
      }
      if (wasIdle && served_) headStart_ = Clock::now();
    }
    pump();
  }

  void disconnected() {
    std::lock_guard lock(mutex_);
    gone_ = true;
    if (stream_) stream_->cancel("the client has gone");
    server_.connections_->closed(entry_);
  }

 private:
  using Clock = std::chrono::steady_clock;

  // Reads and answers requests until one is being answered elsewhere or more
  // bytes are needed. Whoever pumps sees what others changed meanwhile.
  void pump() {
    std::unique_lock lock(mutex_);
    if (pumping_) return;
    pumping_ = true;
    while (!answering_ && !closing_ && !gone_) {
      const RequestReader::Result result = reader_.next();
      if (result == RequestReader::Result::NeedMore) {
        if (reader_.takeContinue()) sendContinue();
        setWaitingDeadline();
        break;
      }
      answering_ = true;
      entry_->clearDeadline();
      if (result == RequestReader::Result::Error) {
        closing_ = true;
        const ReadError error = reader_.error();
        lock.unlock();
        refuse(error);
      } else {
        ReadRequest request = std::move(reader_.request());
        lock.unlock();
        dispatch(std::move(request));
      }
      lock.lock();
    }
    pumping_ = false;
  }

  void setWaitingDeadline() {
    const ServerConfig& cfg = server_.config_;
    switch (reader_.phase()) {
      case RequestReader::Phase::Idle:
        if (served_)
          entry_->setDeadline(ConnectionRegistry::Reason::IdleTimeout, idleSince_ + cfg.keepAliveTimeout);
        else  // a connection that never sent a byte
          entry_->setDeadline(ConnectionRegistry::Reason::HeaderTimeout, headStart_ + cfg.headerTimeout);
        break;
      case RequestReader::Phase::Head:
        entry_->setDeadline(ConnectionRegistry::Reason::HeaderTimeout, headStart_ + cfg.headerTimeout);
        break;
      case RequestReader::Phase::Body:
        entry_->setDeadline(ConnectionRegistry::Reason::BodyTimeout, Clock::now() + cfg.bodyTimeout);
        break;
    }
  }

  void sendContinue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    if (auto peer = peer_.lock()) peer->send(Pistache::RawBuffer(std::string(kContinue), kContinue.size()));
  }

  // A request the reader refused: one problem+json answer, then the close.
  void refuse(const ReadError& error) {
    server_.malformed_.fetch_add(1, std::memory_order_relaxed);
    auto peer = peer_.lock();
    if (!peer) return;
    Exchange ex;
    answer(ex, Problem(error.status, error.code, error.detail));
    JsonLogger("http").info("malformed request refused", {{"status", std::to_string(error.status)},
                                                          {"code", error.code},
                                                          {"client", peer->address().host()},
                                                          {"requestId", ex.request.requestId}});
    Http::ResponseWriter writer = handler_.writer(Http::Version::Http11, peer);
    reply(writer, ex, false);
  }

  void dispatch(ReadRequest&& in) {
    auto peer = peer_.lock();
    if (!peer) return;
    // In flight until the response is written, whichever thread writes it.
    auto done = std::shared_ptr<void>(
        nullptr, [counter = server_.inFlight_](void*) { counter->fetch_sub(1, std::memory_order_relaxed); });
    server_.inFlight_->fetch_add(1, std::memory_order_relaxed);
    auto ex = std::make_shared<Exchange>();
    const std::optional<Method> method = parseMethod(in.method);
    const Http::Version version = in.minorVersion == 0 ? Http::Version::Http10 : Http::Version::Http11;
    bool keepAlive = in.keepAlive;
    ex->http10 = version == Http::Version::Http10;
    ex->request.method = method.value_or(Method::Get);
    convert(std::move(in), *peer, *ex);
    auto shared = std::make_shared<Http::ResponseWriter>(handler_.writer(version, peer));
    const Pipeline& pipeline = server_.pipeline_;

    if (!method) {
      ex->response = Response::withStatus(501);
    } else if (server_.draining_.load(std::memory_order_relaxed)) {
      answer(
          *ex,
          Problem::unavailable("The server is shutting down; retry shortly.").withHeader("Retry-After", "1"));
      keepAlive = false;
    } else {
      pipeline.resolve(*ex);
      const bool runInline =
          ex->match.outcome != Router::Outcome::Found || ex->match.route->options.runInline;
      if (runInline)
        pipeline.run(*ex);
      else if (!pipeline.tryFastPath(*ex))
        return toWorkers(ex, shared, keepAlive, done, true);
      // A streamed body is produced on a worker, never on a network thread.
      if (ex->response.producer) return toWorkers(ex, shared, keepAlive, done, false);
    }
    reply(*shared, *ex, keepAlive);
  }

  // Replies on the worker pool, after running the chain there when
  // `runChain`. A full queue, or a request that waited longer than
  // server.workerQueueTimeout, is answered 503 instead.
  void toWorkers(const std::shared_ptr<Exchange>& ex, const std::shared_ptr<Http::ResponseWriter>& writer,
                 bool keepAlive, const std::shared_ptr<void>& done, bool runChain) {
    auto self = shared_from_this();
    const Pipeline& pipeline = server_.pipeline_;
    const bool queued = server_.workers_.submit(
        [ex, writer, keepAlive, done, self, runChain, &pipeline] {
          if (runChain) pipeline.run(*ex);
          self->reply(*writer, *ex, keepAlive);
        },
        [ex, writer, keepAlive, done, self] {
          answer(*ex, Problem::unavailable("The server is too busy to answer in time; retry shortly.")
                          .withHeader("Retry-After", "1"));
          self->reply(*writer, *ex, keepAlive);
        });
    if (queued) return;
    answer(*ex,
           Problem::unavailable("The server is overloaded; retry shortly.").withHeader("Retry-After", "1"));
    reply(*writer, *ex, keepAlive);
  }

  // A problem answered outside the middleware chain, with the request id.
  static void answer(Exchange& ex, const Problem& problem) {
    if (ex.request.requestId.empty()) ex.request.requestId = newRequestId();
    applyProblem(ex, problem);
    ex.response.headers.set("X-Request-Id", ex.request.requestId);
  }

  // Copies the rest of what the pipeline needs out of the request read off
  // the wire. The client address is the peer's, or what the trusted proxies
  // in front of it say (server.trustedProxies).
  void convert(ReadRequest&& in, Tcp::Peer& peer, Exchange& ex) const {
    Request& out = ex.request;
    out.path = std::move(in.path);
    splitQuery(in.query, out.queryParams);
    out.rawQuery = std::move(in.query);
    out.body = std::move(in.body);
    for (auto& [name, value] : in.headers) out.headers.add(std::move(name), std::move(value));
    std::vector<std::string_view> forwarded;
    for (const auto& [name, value] : out.headers.all())
      if (strcasecmp(name.c_str(), "X-Forwarded-For") == 0) forwarded.emplace_back(value);
    ClientAddress client = resolveClient(peer.address().host(), forwarded, server_.trustedProxies_);
    out.clientIp = std::move(client.ip);
    ex.forwardedUnverified = client.unverified;
  }

  // Writes the response (never throws: a failed write is logged, not
  // propagated into Pistache's reactor or a worker thread), then goes on
  // with the next request, or closes once the response is out.
  void reply(Http::ResponseWriter& writer, Exchange& ex, bool keepAlive) noexcept {
    const std::optional<bool> streamed = ex.response.producer ? stream(ex, keepAlive) : std::nullopt;
    if (streamed) {
      keepAlive = *streamed;
    } else {  // a whole body, or a stream that failed before sending anything
      try {
        auto sent = writeOrThrow(writer, ex, keepAlive);
        if (!keepAlive)
          sent.then([self = shared_from_this()](ssize_t) { self->finish(); }, [](std::exception_ptr) {});
      } catch (const std::exception& e) {
        JsonLogger("http").warn("response not written",
                                {{"error", e.what()}, {"requestId", ex.request.requestId}});
        if (!keepAlive) finish();
      }
    }
    ex.streamEnded();
    {
      std::lock_guard lock(mutex_);
      answering_ = false;
      served_ = true;
      idleSince_ = Clock::now();
      if (!keepAlive) closing_ = true;
    }
    if (keepAlive) pump();
  }

  void finish() { server_.connections_->finish(entry_, kLinger); }

  // Sends a streamed response, running its producer here (a worker thread):
  // whether the connection goes on with the next request, or nullopt when
  // the producer failed before anything was sent, and ex.response now holds
  // the problem to answer whole instead.
  std::optional<bool> stream(Exchange& ex, bool keepAlive) {
    using Framing = BodyStream::Framing;
    const bool head = ex.request.method == Method::Head;
    const Framing framing = head ? Framing::None : ex.http10 ? Framing::UntilClose : Framing::Chunked;
    const bool keep = keepAlive && framing != Framing::UntilClose;
    PeerSink sink(peer_);
    BodyStream body(sink, streamHead(ex, keep, framing), framing, server_.config_.sendTimeout);
    {
      std::lock_guard lock(mutex_);
      if (gone_) body.cancel("the client has gone");
      stream_ = &body;
    }
    server_.streams_->add(body);
    struct Unregister {
      Connection& c;
      BodyStream& body;
      ~Unregister() {
        c.server_.streams_->remove(body);
        std::lock_guard lock(c.mutex_);
        c.stream_ = nullptr;
      }
    } unregister{*this, body};

    JsonLogger log("http");
    try {
      if (!head) {
        const RequestScope scope(ex.request);  // the producer's log lines carry the request id
        ex.response.producer(body);
      }
      body.finish();
      ex.streamed = {body.bytes(), true};
      if (!keep) finish();
      return keep;
    } catch (const ClientGone& e) {
      log.info("streamed response stopped: nobody reads it", {{"reason", e.what()},
                                                              {"bytes", std::to_string(body.bytes())},
                                                              {"requestId", ex.request.requestId}});
    } catch (const std::exception& e) {
      if (!body.started()) {
        const RequestScope scope(ex.request);
        applyCurrentException(ex);
        return std::nullopt;
      }
      log.warn("streamed response cut short: its producer failed", {{"error", e.what()},
                                                                    {"bytes", std::to_string(body.bytes())},
                                                                    {"requestId", ex.request.requestId}});
    }
    // No last chunk: the client must see the body end early, not whole.
    ex.streamed = {body.bytes(), false};
    server_.connections_->abort(entry_, body.timedOut());
    return false;
  }

  static Pistache::Async::Promise<ssize_t> writeOrThrow(Http::ResponseWriter& writer, Exchange& ex,
                                                        bool keepAlive) {
    auto& headers = writer.headers();
    auto block = std::make_shared<HeaderBlock>(ex.response.headers, ex.response.contentType);
    if (!block->empty()) headers.add(block);
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(keepAlive ? Http::ConnectionControl::KeepAlive
                                                    : Http::ConnectionControl::Close);
    if (ex.request.method == Method::Head) ex.response.body.clear();
    return writer.send(static_cast<Http::Code>(ex.response.status), ex.response.body);
  }

  // How long a closing connection keeps reading (and dropping) what the
  // client still sends, so that its last response is not destroyed by a reset.
  static constexpr std::chrono::milliseconds kLinger{2000};

  HttpServer& server_;
  Handler& handler_;
  const std::weak_ptr<Tcp::Peer> peer_;
  const std::shared_ptr<ConnectionRegistry::Entry> entry_;
  std::mutex mutex_;
  RequestReader reader_;         // guarded by mutex_, as is everything below
  bool answering_ = false;       // a request is being answered
  bool pumping_ = false;         // a thread is in pump()
  bool closing_ = false;         // no more requests: the last response is being written
  bool gone_ = false;            // the client disconnected
  bool served_ = false;          // at least one response was written
  BodyStream* stream_ = nullptr;  // the streamed body being sent, if any
  Clock::time_point headStart_;  // when the request being read began (or the connection opened)
  Clock::time_point idleSince_;
};

namespace {
constexpr const char* kConnectionData = "agape.conn";
}

void HttpServer::Handler::onConnection(const std::shared_ptr<Tcp::Peer>& peer) {
  server_->acceptGuard_->accepted();
  auto entry = server_->connections_->open(peer->fd());
  peer->putData(kConnectionData, std::make_shared<Connection>(*server_, *this, peer, std::move(entry),
                                                              server_->readerLimits_));
}

void HttpServer::Handler::onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) {
  if (auto conn = std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData)))
    conn->received(buffer, len);
}

void HttpServer::Handler::onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) {
  if (auto conn = std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData)))
    conn->disconnected();
}

HttpServer::HttpServer(const ServerConfig& config, const Pipeline& pipeline, WorkerPool& workers)
    : config_(config),
      trustedProxies_(config.trustedProxies),
      pipeline_(pipeline),
      workers_(workers),
      inFlight_(std::make_shared<std::atomic<unsigned long long>>(0)),
      acceptGuard_(std::make_shared<AcceptGuard>()),
      streams_(std::make_unique<Streams>()) {}

HttpServer::~HttpServer() {
  if (running_) drainAndStop(std::chrono::milliseconds(0));
}

namespace {

// The soft descriptor limit raised to the hard one (what systemd's
// LimitNOFILE sets), and the number of connections that leaves room for:
// a reserve stays for the database, log and data files, plugins, epoll.
int connectionLimitFromDescriptors() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  const long long fds = lim.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<long long>(lim.rlim_cur);
  const long long reserve = 64 + fds / 16;
  return static_cast<int>(std::clamp<long long>(fds - reserve, 16, 1'000'000));
}

constexpr int kBacklog = 511;  // pending connections the kernel queues for accept(2)

}  // namespace

void HttpServer::start() {
  const int limit = config_.maxConnections > 0 ? config_.maxConnections : connectionLimitFromDescriptors();
  connections_ = std::make_unique<ConnectionRegistry>(limit);
  // A request may carry the largest body any route accepts.
  std::size_t maxBody = config_.maxBodyBytes;
  for (const auto& r : pipeline_.router().routes()) maxBody = std::max(maxBody, r.options.bodyLimit);
  readerLimits_ = RequestReader::Limits{.maxHeaderBytes = 64 * 1024, .maxBodyBytes = maxBody};
  // Pistache's listener and plain TCP transports, without Http::Endpoint:
  // the endpoint's transports time requests out on Pistache's own parser,
  // which is not used, and it does not pass a logger to its accept loop.
  auto handler = std::make_shared<Handler>(this);
  handler->setMaxResponseSize(64 * 1024 * 1024);
  listener_ = std::make_unique<Tcp::Listener>(
      Pistache::Address(config_.host, Pistache::Port(static_cast<std::uint16_t>(config_.port))));
  listener_->init(static_cast<std::size_t>(config_.ioThreads),
                  Pistache::Flags<Tcp::Options>(Tcp::Options::ReuseAddr), "agape-io", kBacklog, acceptGuard_);
  listener_->setHandler(handler);
  try {
    listener_->bind();
    listener_->runThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
                             e.what());
  }
  connections_->startSweeper();
  running_ = true;
  JsonLogger("http").info("connection limit", {{"maxConnections", std::to_string(limit)}});
}

std::uint16_t HttpServer::port() const {
  return listener_ ? static_cast<std::uint16_t>(listener_->getPort()) : 0;
}

void HttpServer::drainAndStop(std::chrono::milliseconds grace) {
  if (!running_) return;
  draining_ = true;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (inFlight_->load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (inFlight_->load() > 0)
    JsonLogger("http").warn("shutdown grace expired with requests in flight",
                            {{"inFlight", std::to_string(inFlight_->load())}});
  streams_->cancelAll();
  connections_->stopSweeper();
  listener_->shutdown();
  running_ = false;
}

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  if (connections_) {
    s.open = connections_->size();
    s.limit = connections_->limit();
    for (std::size_t i = 0; i < ConnectionRegistry::kReasons; ++i)
      s.closedFor[i] = connections_->closedFor(static_cast<ConnectionRegistry::Reason>(i));
  }
  s.acceptFailures = acceptGuard_->failures();
  s.malformed = malformed_.load();
  return s;
}

}  // namespace agape::kernel
