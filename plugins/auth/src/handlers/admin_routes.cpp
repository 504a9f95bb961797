// Role administration and the public JWKS.
#include <algorithm>

#include "auth_runtime.h"
#include "request_fields.h"

namespace agape::auth {
namespace {

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
  const long long now = rt.now();
  UserRecord user = rt.db().run([&](Tx& tx) {
    UserRecord before = requireUser(tx, id);
    setRoles(tx, id, roles, now);
    Json details = {{"before", before.roles}, {"after", roles}};
    rt.audit().record(actor, "user.roles_changed", "user", id, details.dump(), tx);
    return requireUser(tx, id);
  });
  return jsonResponse({{"user", user.toJson()}});
}

}  // namespace

void addAdminRoutes(Routes& routes, AuthRuntime& rt) {
  routes.patch("/v1/admin/users/:id/roles", [&rt](Request& r) { return setUserRoles(rt, r); },
               {.access = Access::Roles,
                .roles = {"admin"},
                .summary = "Replaces a user's roles (audited); takes effect in new access tokens",
                .tag = "admin",
                .requestSchema = R"({"type":"object","required":["roles"],"additionalProperties":false,"properties":)"
                                 R"({"roles":{"type":"array","minItems":1,"items":{"type":"string","enum":)"
                                 R"(["customer","admin","merchant","fulfilment","finance"]}}}})",
                .responseSchema = R"({"type":"object","required":["user"],"properties":{"user":{"type":"object"}}})"});
}

void addJwksRoute(Routes& routes, AuthRuntime& rt) {
  // Serialised once: the key set is fixed for the life of the process.
  auto body = std::make_shared<const std::string>(rt.keys().jwks().dump());
  routes.get("/.well-known/jwks.json",
             [body](Request&) {
               Response r = Response::json(*body);
               r.headers.set("Cache-Control", "public, max-age=300");
               return r;
             },
             {.runInline = true,
              .summary = "The public keys that verify access tokens (RFC 7517)",
              .tag = "auth",
              .responseSchema = R"({"type":"object","required":["keys"],"properties":{"keys":{"type":"array"}}})"});
}

}  // namespace agape::auth
