// Role administration and the public JWKS.
#include <algorithm>

#include "auth_runtime.h"
#include "request_fields.h"

namespace agape::auth {
namespace {

bool sameRoles(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

Response setUserRoles(AuthRuntime& rt, Request& req) {
  Json body = parseJsonObject(req, {"roles"});
  RequestFields f(body);
  auto list = f.stringList("roles");
  std::vector<std::string> roles;
  if (list) {
    if (list->empty()) f.error("roles", "must name at least one role");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string& r = (*list)[i];
      if (std::find(knownRoles().begin(), knownRoles().end(), r) == knownRoles().end())
        f.error("roles[" + std::to_string(i) + "]", "must be one of customer, admin, merchant, fulfilment, finance");
      else if (std::find(roles.begin(), roles.end(), r) == roles.end())
        roles.push_back(r);
    }
  }
  f.finish();
  const std::string id(req.requireParam("id"));
  const std::string actor = req.principal->id;
  const bool staysAdmin = std::find(roles.begin(), roles.end(), "admin") != roles.end();
  if (id == actor && !staysAdmin)
    throw Problem(409, "cannot_demote_self", "You cannot remove your own admin role; ask another admin.");
  const long long now = rt.now();
  std::vector<std::string> revoked;
  UserRecord user = rt.db().run([&](Tx& tx) {
    revoked.clear();
    // Every admin row locked (PostgreSQL; SQLite writes one at a time), so
    // two admins demoting each other at once cannot leave the shop with none.
    const auto admins = adminIds(tx);
    UserRecord before = requireUser(tx, id);
    if (sameRoles(before.roles, roles)) return before;
    const bool wasAdmin = std::find(admins.begin(), admins.end(), id) != admins.end();
    if (wasAdmin && !staysAdmin && admins.size() == 1)
      throw Problem(409, "last_admin", "This is the last admin; make another user admin first.");
    setRoles(tx, id, roles, now);
    // Tokens carry roles: the user signs in again to get the new ones.
    revoked = rt.sessions().revokeAll(tx, id, "roles_changed", now);
    Json details = {{"before", before.roles}, {"after", roles}, {"sessionsRevoked", revoked.size()}};
    rt.audit().record(actor, "user.roles_changed", "user", id, details.dump(), tx);
    return requireUser(tx, id);
  });
  rt.noteRevoked(revoked, now);
  return jsonResponse({{"user", user.toJson()}});
}

}  // namespace

void addAdminRoutes(Routes& routes, AuthRuntime& rt) {
  routes.patch("/v1/admin/users/:id/roles", [&rt](Request& r) { return setUserRoles(rt, r); },
               {.access = Access::Roles,
                .roles = {"admin"},
                .summary = "Replaces a user's roles (audited) and ends their sessions; never the last admin's or "
                           "one's own admin role",
                .tag = "admin",
                .requestSchema = R"({"type":"object","required":["roles"],"additionalProperties":false,"properties":)"
                                 R"({"roles":{"type":"array","minItems":1,"items":{"type":"string","enum":)"
                                 R"(["customer","admin","merchant","fulfilment","finance"]}}}})",
                .responseSchema = R"({"type":"object","required":["user"],"properties":{"user":{"type":"object"}}})"});
}

void addJwksRoute(Routes& routes, AuthRuntime& rt) {
  // Serialised once per key set. Cached by clients for less than half the
  // key activation delay, so they see a new key before it signs.
  routes.get("/.well-known/jwks.json",
             [&rt](Request&) {
               Response r = Response::json(rt.keys()->jwksText());
               const auto maxAge = std::max<long long>(rt.config().keyActivation.count() / 2 - 1, 0);
               r.headers.set("Cache-Control", "public, max-age=" + std::to_string(maxAge));
               return r;
             },
             {.runInline = true,
              .summary = "The public keys that verify access tokens (RFC 7517)",
              .tag = "auth",
              .responseSchema = R"({"type":"object","required":["keys"],"properties":{"keys":{"type":"array"}}})"});
}

}  // namespace agape::auth
