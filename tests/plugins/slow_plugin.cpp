// A route that takes as long as it is told (GET /v1/test/slow?ms=N, at most
// 5 s), for graceful-shutdown and worker-pool tests; one that counts the
// body it was sent (POST /v1/test/echo), for the HTTP framing tests; and a
// streamed body for the streaming tests:
//   GET /v1/test/stream?bytes=N&chunk=K&failAfter=M&fail=problem|unavailable|error
//     N bytes (default 1 MiB) of "abc…z" repeated (byte i is 'a' + i % 26),
//     written K bytes at a time (default 8 KiB, at most 64 KiB); with
//     failAfter, the producer throws once M bytes are written: a Problem 409
//     `stream_failed` (default), a DbError Unavailable, or a runtime_error.
//     contentLength=L sets a (false) Content-Length header on the response.
//   GET /v1/test/stream/runs  {"runs": producers started so far}
//   GET /v1/test/stream/thread  an inline route's stream: "handler=<thread>
//     producer=<thread>", the names of the threads that ran each
#include <agape/context.h>
#include <agape/db.h>
#include <agape/http.h>
#include <agape/plugin.h>
#include <agape/problem.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

std::size_t sizeParam(const agape::Request& req, std::string_view name, std::size_t fallback) {
  const auto v = req.query(name);
  return v ? std::stoull(std::string(*v)) : fallback;
}

std::string threadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

[[noreturn]] void failOnPurpose(const std::string& how, std::size_t written) {
  const std::string what = "failed on purpose after " + std::to_string(written) + " bytes";
  if (how == "unavailable") throw agape::DbError(agape::DbError::Kind::Unavailable, what);
  if (how == "error") throw std::runtime_error(what);
  throw agape::Problem(409, "stream_failed", what);
}

class SlowPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.routes().get("/v1/test/slow", [](agape::Request& req) {
      int ms = std::min(5000, std::stoi(std::string(req.query("ms").value_or("100"))));
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return agape::Response::json("{\"sleptMs\":" + std::to_string(ms) + "}");
    }, {.rateLimitClass = "none", .summary = "Sleeps, then answers"});
    ctx.routes().post("/v1/test/echo", [](agape::Request& req) {
      return agape::Response::json("{\"bytes\":" + std::to_string(req.body.size()) + "}", 201);
    }, {.rateLimitClass = "none", .bodyLimit = 64 * 1024, .summary = "Counts the body's bytes", .successStatus = 201});
    ctx.routes().get(
        "/v1/test/stream",
        [this](agape::Request& req) {
          const std::size_t total = sizeParam(req, "bytes", 1 << 20);
          const std::size_t chunk = std::clamp<std::size_t>(sizeParam(req, "chunk", 8192), 1, 65536);
          const std::optional<std::size_t> failAfter =
              req.query("failAfter") ? std::optional(sizeParam(req, "failAfter", 0)) : std::nullopt;
          const std::string fail(req.query("fail").value_or("problem"));
          auto response = agape::Response::stream(
              "text/plain; charset=utf-8", [this, total, chunk, failAfter, fail](agape::BodyWriter& out) {
                ++runs_;
                static const std::string pattern = [] {
                  std::string p;
                  for (int i = 0; i < 2600; ++i) p += "abcdefghijklmnopqrstuvwxyz";
                  return p;
                }();
                const std::size_t end = failAfter ? std::min(total, *failAfter) : total;
                for (std::size_t sent = 0; sent < end;) {
                  const std::size_t n = std::min(chunk, end - sent);
                  out.write(std::string_view(pattern).substr(sent % 26, n));
                  sent += n;
                }
                if (failAfter && *failAfter <= total) failOnPurpose(fail, end);
              });
          // A header the kernel must not pass on next to its own framing.
          if (auto length = req.query("contentLength"))
            response.headers.set("Content-Length", std::string(*length));
          return response;
        },
        {.rateLimitClass = "none",
         .summary = "Streams a body of a..z",
         .successContentType = "text/plain; charset=utf-8"});
    ctx.routes().get(
        "/v1/test/stream/thread",
        [](agape::Request&) {
          return agape::Response::stream("text/plain; charset=utf-8",
                                         [handler = threadName()](agape::BodyWriter& out) {
                                           out.write("handler=" + handler + " producer=" + threadName());
                                         });
        },
        {.rateLimitClass = "none", .runInline = true, .summary = "Where an inline route's stream runs"});
    ctx.routes().get("/v1/test/stream/runs",
                     [this](agape::Request&) {
                       return agape::Response::json("{\"runs\":" + std::to_string(runs_.load()) + "}");
                     },
                     {.rateLimitClass = "none", .summary = "How many stream producers ran"});
  }

 private:
  std::atomic<int> runs_{0};
};

}  // namespace

AGAPE_PLUGIN(SlowPlugin, "test.slow", "1.0.0")
