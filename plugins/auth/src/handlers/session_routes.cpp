// The signed-in user and their sessions.
#include <agape/contract.h>

#include "auth_runtime.h"
#include "handlers/auth_wire.h"

namespace agape::auth {
namespace {

struct SessionView {
  std::string id;
  std::string userAgent;
  std::string ip;
  Timestamp createdAt;
  Timestamp lastUsedAt;
  bool current = false;
};
struct Sessions {
  std::vector<SessionView> data;
};

Sessions listSessions(AuthRuntime& rt, const Principal& p) {
  auto sessions = rt.db().read([&](Tx& tx) { return rt.sessions().listActive(tx, p.id, rt.now()); });
  Sessions out;
  // The session store keeps times in seconds.
  for (const auto& s : sessions)
    out.data.push_back({s.id, s.userAgent, s.ip, Timestamp{s.createdAt * 1000}, Timestamp{s.lastUsedAt * 1000},
                        s.id == p.sessionId});
  return out;
}

void revokeSession(AuthRuntime& rt, const Principal& p, const std::string& id) {
  const long long now = rt.now();
  bool revoked = rt.db().run([&](Tx& tx) {
    auto s = rt.sessions().find(tx, id);
    // Another user's session is reported exactly like a missing one.
    if (!s || s->userId != p.id) return false;
    return rt.sessions().revoke(tx, id, "revoked_by_user", now);
  });
  if (!revoked) throw Problem::notFound("No active session with this id.");
  rt.noteRevoked({id}, now);
}

}  // namespace

void addSessionRoutes(Routes& routes, AuthRuntime& rt) {
  routes.get("/v1/auth/me", Contract().returns(userSchema()),
             {.access = Access::Authenticated, .summary = "The signed-in user", .tag = "auth"}, [&rt](Call<>& call) {
               return viewOf(rt.db().read([&](Tx& tx) { return requireUser(tx, call.principal().id); }));
             });
  const auto session = Schema<SessionView>()
                           .field("id", &SessionView::id)
                           .field("userAgent", &SessionView::userAgent)
                           .field("ip", &SessionView::ip)
                           .field("createdAt", &SessionView::createdAt)
                           .field("lastUsedAt", &SessionView::lastUsedAt)
                           .field("current", &SessionView::current, {.description = "the session of this request"});
  routes.get("/v1/auth/sessions", Contract().returns(Schema<Sessions>().field("data", &Sessions::data, session)),
             {.access = Access::Authenticated, .summary = "The signed-in user's active sessions", .tag = "auth"},
             [&rt](Call<>& call) { return listSessions(rt, call.principal()); });
  routes.del("/v1/auth/sessions/:id", Contract(),
             {.access = Access::Authenticated,
              .summary = "Ends one of the signed-in user's sessions",
              .tag = "auth",
              .successContentType = ""},
             [&rt](Call<>& call) { revokeSession(rt, call.principal(), std::string(call.param("id"))); });
}

}  // namespace agape::auth
