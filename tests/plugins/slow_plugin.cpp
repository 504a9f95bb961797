// A route that takes as long as it is told (GET /v1/test/slow?ms=N, at most
// 5 s), for graceful-shutdown and worker-pool tests; and one that counts the
// body it was sent (POST /v1/test/echo), for the HTTP framing tests.
#include <agape/context.h>
#include <agape/http.h>
#include <agape/plugin.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

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
    }, {.rateLimitClass = "none", .bodyLimit = 64 * 1024, .summary = "Counts the body's bytes",
        .responseSchema = R"({"type":"object","properties":{"bytes":{"type":"integer"}}})", .successStatus = 201});
  }
};

}  // namespace

AGAPE_PLUGIN(SlowPlugin, "test.slow", "1.0.0")
