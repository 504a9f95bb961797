#include "sample_plugin.h"

#include <agape/audit.h>
#include <agape/clock.h>
#include <agape/config.h>
#include <agape/context.h>
#include <agape/contract.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/http.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/metrics.h>
#include <agape/commands.h>
#include <agape/problem.h>

#include <chrono>
#include <ostream>
#include <stdexcept>

namespace agape::sample {
namespace {

struct Note {
  std::string id, body, author;
};
struct NewNote {
  std::string id, body;
};
struct Noted {
  std::string id, greeting;
};

const auto kNote =
    Schema<Note>().field("id", &Note::id).field("body", &Note::body).field("author", &Note::author);
const auto kNewNote = Schema<NewNote>().field("id", &NewNote::id, {.minLength = 1}).field("body", &NewNote::body);
const auto kNoted = Schema<Noted>().field("id", &Noted::id).field("greeting", &Noted::greeting);

class SamplePlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override {
    ConfigDecoder d(section);
    greeting_ = d.string("greeting", "Hello");
    maxBody_ = static_cast<std::size_t>(d.integer("maxBody", 1000, 10, 100000));
    d.finish();
  }

  void provision(Context& ctx) override {
    Context* c = &ctx;
    notes_ = &ctx.metrics().counter("sample_notes_total", "Notes written", {{"kind", "plain"}});
    ctx.routes().get("/v1/sample/notes/:id", Contract().returns(kNote), {}, [c](Call<>& call) {
      const std::string id(call.param("id"));
      auto row = c->db().read(
          [&](Tx& tx) { return tx.one("SELECT id, body, author FROM sample_notes WHERE id = :id", {{"id", id}}); });
      if (!row) throw Problem::notFound("No note " + id + ".");
      return Note{row->text("id"), row->text("body"), row->text("author")};
    });
    ctx.routes().post("/v1/sample/notes", Contract().body(kNewNote).returns(kNoted),
                      {.access = Access::Authenticated, .bodyLimit = maxBody_, .successStatus = 201},
                      [this, c](Call<NewNote>& call) {
      const NewNote& in = call.body;
      const std::string& author = call.principal().id;
      c->db().run([&](Tx& tx) {
        tx.exec("INSERT INTO sample_notes (id, body, author) VALUES (:id, :body, :author)",
                {{"id", in.id}, {"body", in.body}, {"author", author}});
        c->events().publish(tx, NoteWritten{in.id});
        c->jobs().enqueue("sample.index", Json{{"id", in.id}}.dump(),
                          JobOptions{.runAt = c->clock().now() + std::chrono::hours(1)}, tx);
        c->audit().record(author, "note.create", "note", in.id, "{}", tx);
        if (in.body == "roll back") throw Problem::conflict("rolled_back", "As asked.");
      });
      notes_->inc();
      c->logger().info("note written", {{"id", in.id}});
      return Noted{in.id, greeting_};
    });
    ctx.routes().del("/v1/sample/notes/:id", [c](Request& req) {
      c->db().run([&](Tx& tx) { tx.exec("DELETE FROM sample_notes WHERE id = :id", {{"id", req.requireParam("id")}}); });
      return Response::noContent();
    }, {.access = Access::Roles, .roles = {"admin", "editor"}});
    ctx.routes().get("/v1/sample/export", [](Request&) {
      return Response::stream("text/plain", [](BodyWriter& out) {
        for (int i = 1; i <= 3; ++i) out.write("line " + std::to_string(i) + "\n");
      });
    });
    ctx.routes().get("/v1/sample/boom", [](Request&) -> Response { throw std::runtime_error("secret detail"); });
    ctx.routes().get("/v1/sample/echo", [](Request& req) {
      return jsonResponse({{"q", req.query("q").value_or("")}, {"ip", req.clientIp},
                           {"caller", req.principal ? req.principal->id : ""}});
    });

    ctx.events().subscribe("other.*", "copy", [c](const Event& e) {
      const Json p = Json::parse(e.payload);
      c->db().run([&](Tx& tx) {
        tx.exec("INSERT INTO sample_notes (id, body, author) VALUES (:id, :body, 'events')",
                {{"id", p.at("id").get<std::string>()}, {"body", e.topic}});
      });
    });
    ctx.jobs().handle("sample.index", [c](const Job& job) { c->logger().info("indexed", {{"payload", job.payload}}); });
    ctx.jobs().schedule("nightly", "0 2 * * *", "sample.index", R"({"nightly":true})");
    ctx.commands().add("sample count", "Usage: agape sample count", [c](const CommandIo& io) {
      const auto n = c->db().read([](Tx& tx) { return tx.one("SELECT COUNT(*) AS n FROM sample_notes")->integer("n"); });
      io.out << n << " notes" << (io.args.empty() ? "" : " for " + io.args[0]) << "\n";
      return 0;
    });
  }

 private:
  std::string greeting_;
  std::size_t maxBody_ = 1000;
  Counter* notes_ = nullptr;
};

}  // namespace

std::unique_ptr<Plugin> makeSamplePlugin() { return std::make_unique<SamplePlugin>(); }

}  // namespace agape::sample
