// The smallest useful plugin: one configurable greeting route.
#include <agape/config.h>
#include <agape/context.h>
#include <agape/http.h>
#include <agape/json.h>
#include <agape/plugin.h>

namespace {

class HelloPlugin final : public agape::Plugin {
 public:
  void configure(const agape::ConfigView& section) override {
    agape::ConfigDecoder d(section);
    greeting_ = d.string("greeting", "Hello");
    d.finish();
  }

  void provision(agape::Context& ctx) override {
    ctx.routes().get(
        "/v1/hello/:name",
        [this](agape::Request& req) {
          return agape::jsonResponse({{"message", greeting_ + ", " + std::string(req.requireParam("name")) + "!"}});
        },
        {.runInline = true,
         .summary = "Greets someone by name",
         .tag = "hello",
         .responseSchema = R"({"type":"object","required":["message"],"properties":{"message":{"type":"string"}}})"});
  }

 private:
  std::string greeting_;
};

}  // namespace

AGAPE_PLUGIN(HelloPlugin, "hello", "1.0.0")
