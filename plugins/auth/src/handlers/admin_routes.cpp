// Role administration and the public JWKS.
#include <algorithm>

#include <agape/contract.h>
#include <agape/roles.h>

#include "auth_runtime.h"
#include "handlers/auth_wire.h"

namespace agape::auth {
namespace {

bool sameRoles(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

struct RolesBody {
  std::vector<std::string> roles;
};
struct JwksView {
  std::vector<JsonText> keys;
};

UserRecord setUserRoles(AuthRuntime& rt, const std::string& id, const std::string& actor,
                        const std::vector<std::string>& given) {
  std::vector<std::string> wanted;
  for (const auto& r : given)
    if (std::find(wanted.begin(), wanted.end(), r) == wanted.end()) wanted.push_back(r);
  const bool staysAdmin = std::find(wanted.begin(), wanted.end(), roles::admin) != wanted.end();
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
    if (sameRoles(before.roles, wanted)) return before;
    const bool wasAdmin = std::find(admins.begin(), admins.end(), id) != admins.end();
    if (wasAdmin && !staysAdmin && admins.size() == 1)
      throw Problem(409, "last_admin", "This is the last admin; make another user admin first.");
    setRoles(tx, id, wanted, now);
    // Tokens carry roles: the user signs in again to get the new ones.
    revoked = rt.sessions().revokeAll(tx, id, "roles_changed", now);
    Json details = {{"before", before.roles}, {"after", wanted}, {"sessionsRevoked", revoked.size()}};
    rt.audit().record(actor, "user.roles_changed", "user", id, details.dump(), tx);
    return requireUser(tx, id);
  });
  rt.noteRevoked(revoked, now);
  return user;
}

}  // namespace

void addAdminRoutes(Routes& routes, AuthRuntime& rt) {
  routes.patch("/v1/admin/users/:id/roles",
               Contract()
                   .body(Schema<RolesBody>().field("roles", &RolesBody::roles, {.minItems = 1, .maxItems = 10,
                                                                                .oneOf = knownRoles()}))
                   .returns(userEnvelopeSchema()),
               {.access = Access::Roles,
                .roles = {std::string(roles::admin)},
                .summary = "Replaces a user's roles (audited) and ends their sessions; never the last admin's or "
                           "one's own admin role",
                .tag = "admin"},
               [&rt](Call<RolesBody>& call) {
                 return envelopeOf(setUserRoles(rt, std::string(call.param("id")), call.principal().id, call.body.roles));
               });
}

void addJwksRoute(Routes& routes, AuthRuntime& rt) {
  // Serialised once per key set. Cached by clients for less than half the
  // key activation delay, so they see a new key before it signs.
  routes.get("/.well-known/jwks.json",
             Contract().returns(Schema<JwksView>().field("keys", &JwksView::keys, {.description = "RFC 7517 JWKs"})),
             {.runInline = true, .summary = "The public keys that verify access tokens (RFC 7517)", .tag = "auth"},
             [&rt](Call<>&) {
               Response r = Response::json(rt.keys()->jwksText());
               const auto maxAge = std::max<long long>(rt.config().keyActivation.count() / 2 - 1, 0);
               r.headers.set("Cache-Control", "public, max-age=" + std::to_string(maxAge));
               return r;
             });
}

}  // namespace agape::auth
