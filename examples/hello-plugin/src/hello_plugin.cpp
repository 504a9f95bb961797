// The smallest useful plugin: one configurable greeting route, declared
// with its contract (what it takes and what it answers).
#include <agape/config.h>
#include <agape/context.h>
#include <agape/contract.h>
#include <agape/plugin.h>

namespace {

struct GreetingQuery {
  std::optional<std::string> title;  // "Dr", "Chief"
};
struct Greeting {
  std::string message;
};

class HelloPlugin final : public agape::Plugin {
 public:
  void configure(const agape::ConfigView& section) override {
    agape::ConfigDecoder d(section);
    greeting_ = d.string("greeting", "Hello");
    d.finish();
  }

  void provision(agape::Context& ctx) override {
    using namespace agape;
    ctx.routes().get("/v1/hello/:name",
                     Contract()
                         .query(Schema<GreetingQuery>().field("title", &GreetingQuery::title, {.maxLength = 20}))
                         .returns(Schema<Greeting>().field("message", &Greeting::message)),
                     {.runInline = true, .summary = "Greets someone by name", .tag = "hello"},
                     [this](Call<None, GreetingQuery>& call) {
                       const std::string title = call.query.title ? *call.query.title + " " : "";
                       return Greeting{greeting_ + ", " + title + std::string(call.param("name")) + "!"};
                     });
  }

 private:
  std::string greeting_;
};

}  // namespace

AGAPE_PLUGIN(HelloPlugin, "hello", "1.0.0")
