// A queue whose jobs fail on purpose, for the dead letters of the end-to-end
// tests (no tables):
//   POST /v1/test/failing-jobs?attempts=N  enqueues one job on test.failing
//                                          with maxAttempts N (default 1): {"id"}
//   POST /v1/test/failing-jobs/heal        from now on its jobs succeed
// A failing attempt throws "refused on purpose (attempt K of N)".
#include <agape/context.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/plugin.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace {

class FailingPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    agape::Jobs& jobs = ctx.jobs();
    jobs.handle("test.failing", [this](const agape::Job& j) {
      if (!healed_)
        throw std::runtime_error("refused on purpose (attempt " + std::to_string(j.attempt) + " of " +
                                 std::to_string(j.maxAttempts) + ")");
    });
    ctx.routes().post("/v1/test/failing-jobs", [this, &jobs](agape::Request& req) {
      const int attempts = std::stoi(std::string(req.query("attempts").value_or("1")));
      const std::string id = jobs.enqueue("test.failing", "{\"n\":" + std::to_string(++enqueued_) + "}",
                                          {.maxAttempts = attempts});
      return agape::Response::json("{\"id\":\"" + id + "\"}", 202);
    }, {.rateLimitClass = "none", .consumes = {}, .summary = "Enqueues one job that fails"});
    ctx.routes().post("/v1/test/failing-jobs/heal", [this](agape::Request&) {
      healed_ = true;
      return agape::Response::noContent();
    }, {.rateLimitClass = "none", .consumes = {}, .summary = "Lets test.failing jobs succeed"});
  }

 private:
  std::atomic<bool> healed_{false};
  std::atomic<int> enqueued_{0};
};

}  // namespace

AGAPE_PLUGIN(FailingPlugin, "test.failing", "1.0.0")
