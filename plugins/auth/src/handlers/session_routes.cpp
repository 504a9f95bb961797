// The signed-in user and their sessions.
#include "auth_runtime.h"

namespace agape::auth {
namespace {

Response me(AuthRuntime& rt, Request& req) {
  UserRecord user = rt.db().read([&](Tx& tx) { return requireUser(tx, req.principal->id); });
  return jsonResponse(user.toJson());
}

Response listSessions(AuthRuntime& rt, Request& req) {
  const Principal& p = *req.principal;
  auto sessions = rt.db().read([&](Tx& tx) { return rt.sessions().listActive(tx, p.id, rt.now()); });
  Json data = Json::array();
  for (const auto& s : sessions)
    data.push_back({{"id", s.id},
                    {"userAgent", s.userAgent},
                    {"ip", s.ip},
                    {"createdAt", rfc3339(s.createdAt)},
                    {"lastUsedAt", rfc3339(s.lastUsedAt)},
                    {"current", s.id == p.sessionId}});
  return jsonResponse({{"data", data}});
}

Response revokeSession(AuthRuntime& rt, Request& req) {
  const Principal& p = *req.principal;
  const std::string id(req.requireParam("id"));
  const long long now = rt.now();
  bool revoked = rt.db().run([&](Tx& tx) {
    auto s = rt.sessions().find(tx, id);
    // Another user's session is reported exactly like a missing one.
    if (!s || s->userId != p.id) return false;
    return rt.sessions().revoke(tx, id, "revoked_by_user", now);
  });
  if (!revoked) throw Problem::notFound("No active session with this id.");
  rt.noteRevoked({id}, now);
  return Response::noContent();
}

}  // namespace

void addSessionRoutes(Routes& routes, AuthRuntime& rt) {
  routes.get("/v1/auth/me", [&rt](Request& r) { return me(rt, r); },
             {.access = Access::Authenticated, .summary = "The signed-in user", .tag = "auth",
              .responseSchema = R"({"type":"object","required":["id","email","roles","emailVerified","twoFactorEnabled"],"properties":{)"
                                R"("id":{"type":"string"},"email":{"type":"string"},"roles":{"type":"array","items":{"type":"string"}},)"
                                R"("emailVerified":{"type":"boolean"},"twoFactorEnabled":{"type":"boolean"}}})"});
  routes.get("/v1/auth/sessions", [&rt](Request& r) { return listSessions(rt, r); },
             {.access = Access::Authenticated,
              .summary = "The signed-in user's active sessions",
              .tag = "auth",
              .responseSchema = R"({"type":"object","required":["data"],"properties":{"data":{"type":"array","items":)"
                                R"({"type":"object","required":["id","userAgent","ip","createdAt","lastUsedAt","current"],"properties":{)"
                                R"("id":{"type":"string"},"userAgent":{"type":"string"},"ip":{"type":"string"},)"
                                R"("createdAt":{"type":"string"},"lastUsedAt":{"type":"string"},"current":{"type":"boolean"}}}}}})"});
  routes.del("/v1/auth/sessions/:id", [&rt](Request& r) { return revokeSession(rt, r); },
             {.access = Access::Authenticated,
              .summary = "Ends one of the signed-in user's sessions",
              .tag = "auth",
              .successStatus = 204,
              .successContentType = ""});
}

}  // namespace agape::auth
