// A bare Pistache hello-world: the ceiling the kernel is measured against.
// Same Pistache build, thread count and keep-alive handling as the kernel's
// HttpServer, and nothing else.
//
//   agape_bare_pistache PORT [IO_THREADS]   (GET /hello -> small JSON)

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

namespace Http = Pistache::Http;

namespace {

class HelloHandler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(HelloHandler)

  void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
    // The kernel's keep-alive fix: HTTP/1.1 keeps the connection unless the
    // client asked to close (Pistache alone closes when the header is absent).
    bool keepAlive = req.version() == Http::Version::Http11;
    if (auto c = req.headers().tryGet<Http::Header::Connection>())
      keepAlive = c->control() == Http::ConnectionControl::KeepAlive;
    // Pistache has already put its own Connection header (Close when the
    // request had none) and add() never replaces: swap it.
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(keepAlive ? Http::ConnectionControl::KeepAlive
                                                             : Http::ConnectionControl::Close);
    if (req.method() == Http::Method::Get && req.resource() == "/hello") {
      // A typed header: this Pistache writes only typed headers, never raw ones.
      writer.send(Http::Code::Ok, R"({"message":"Hello, world!"})", MIME(Application, Json));
    } else {
      writer.send(Http::Code::Not_Found, "");
    }
  }
};

int parseInt(const char* text, int lo, int hi, const char* what) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (!end || *end != '\0' || v < lo || v > hi) {
    std::fprintf(stderr, "invalid %s: %s\n", what, text);
    std::exit(2);
  }
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s PORT [IO_THREADS]\n", argv[0]);
    return 2;
  }
  int port = parseInt(argv[1], 1, 65535, "port");
  int threads = argc == 3 ? parseInt(argv[2], 1, 64, "thread count") : 2;

  // Block the stop signals before Pistache starts its threads so that only
  // sigwait below sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    Pistache::Address addr("127.0.0.1", Pistache::Port(static_cast<std::uint16_t>(port)));
    Http::Endpoint endpoint(addr);
    endpoint.init(Http::Endpoint::options()
                      .threads(threads)
                      .threadsName("bare-io")
                      .flags(Pistache::Tcp::Options::ReuseAddr)
                      .keepaliveTimeout(std::chrono::seconds(60)));
    endpoint.setHandler(Http::make_handler<HelloHandler>());
    endpoint.serveThreaded();
    std::printf("listening on 127.0.0.1:%d with %d io threads\n", port, threads);
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    endpoint.shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bare pistache: %s\n", e.what());
    return 1;
  }
  return 0;
}
