#include "auth_commands.h"

#include <agape/audit.h>
#include <agape/db.h>

#include <algorithm>
#include <istream>
#include <ostream>

#include "agape/auth/user_directory.h"
#include "key_store.h"
#include "contact_text.h"
#include "user_store.h"

namespace agape::auth {

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

const char* kUsersCreateHelp =
    "Usage: agape users create --email EMAIL --password-stdin [--role ROLE]... [--first-name NAME] [--last-name NAME]\n\n"
    "Creates an account whose email counts as verified, e.g. the first admin:\n"
    "  printf '%s\\n' \"$PASSWORD\" | agape users create --email ops@shop.ng --password-stdin --role admin\n"
    "The password is the first line of standard input and must pass the password policy.\n"
    "Roles: customer (default), admin, merchant, fulfilment, finance. The creation is audited.\n";

const char* kKeysRotateHelp =
    "Usage: agape keys rotate\n\n"
    "Writes a new RSA signing key (mode 0600) into auth.keysDir. Running servers that share the directory\n"
    "(or get a copy) publish it in /.well-known/jwks.json within auth.keysReload and, with newest-key-wins\n"
    "(no auth.activeKey), sign with it once it is auth.keyActivation old; no restart. The older public keys\n"
    "stay published so tokens they signed keep verifying. Retire them with `agape keys prune` after one\n"
    "access-token lifetime.\n";

const char* kKeysPruneHelp =
    "Usage: agape keys prune\n\n"
    "Removes signing keys that stopped signing more than one access-token lifetime (plus leeway) ago,\n"
    "never the newest, so no token still valid loses its key.\n";

int usage(const CommandIo& io, const std::string& message, const char* help) {
  io.err << "agape: " << message << "\n\n" << help;
  return kUsage;
}

int usersCreate(AuthRuntime& rt, const CommandIo& io) {
  std::string email, first = "Store", last = "Admin";
  std::vector<std::string> roles;
  bool passwordStdin = false;
  for (std::size_t i = 0; i < io.args.size(); ++i) {
    const std::string& a = io.args[i];
    auto value = [&]() -> const std::string* { return i + 1 < io.args.size() ? &io.args[++i] : nullptr; };
    const std::string* v = nullptr;
    if (a == "--password-stdin") passwordStdin = true;
    else if (a == "--email" && (v = value())) email = *v;
    else if (a == "--role" && (v = value())) roles.push_back(*v);
    else if (a == "--first-name" && (v = value())) first = *v;
    else if (a == "--last-name" && (v = value())) last = *v;
    else return usage(io, "unexpected argument " + a, kUsersCreateHelp);
  }
  if (email.empty()) return usage(io, "--email is required", kUsersCreateHelp);
  if (!passwordStdin) return usage(io, "--password-stdin is required (passwords never go on the command line)", kUsersCreateHelp);
  if (roles.empty()) roles.push_back("customer");
  for (const auto& r : roles)
    if (std::find(knownRoles().begin(), knownRoles().end(), r) == knownRoles().end())
      return usage(io, "unknown role " + r, kUsersCreateHelp);
  std::string normalized = normalizeEmail(email);
  if (normalized.empty()) return usage(io, "--email is not a valid email address", kUsersCreateHelp);

  std::string password;
  std::getline(io.in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto problems = rt.policy().check(password, normalized);
  if (!problems.empty()) {
    for (const auto& p : problems) io.err << "agape: " << p.field << " " << p.message << "\n";
    return kFailure;
  }

  NewUser nu{rt.newId(), normalized, rt.hasher().hash(password), first, last, std::nullopt};
  const long long now = rt.now();
  try {
    rt.db().run([&](Tx& tx) {
      insertUser(tx, nu, now);
      setRoles(tx, nu.id, roles, now);
      markEmailVerified(tx, nu.id, now);
      Json details = {{"email", normalized}, {"roles", roles}, {"via", "cli"}};
      rt.audit().record("system", "user.created", "user", nu.id, details.dump(), tx);
    });
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::UniqueViolation) throw;
    io.err << "agape: an account with the email " << normalized << " already exists\n";
    return kFailure;
  }
  std::string joined;
  for (const auto& r : roles) joined += (joined.empty() ? "" : ",") + r;
  io.out << "created user " << nu.id << " <" << normalized << "> roles: " << joined << "\n";
  return kOk;
}

int keysRotate(AuthRuntime& rt, const CommandIo& io) {
  if (!io.args.empty()) return usage(io, "unexpected argument " + io.args.front(), kKeysRotateHelp);
  auto path = writeNewSigningKey(rt.config().keysDir);
  auto keys = loadKeySet(KeyStoreOptions{.dir = rt.config().keysDir});  // no delay: the newest, the one just written
  io.out << "new signing key " << path.string() << " (kid " << keys->active().kid() << ")\n";
  io.out << "running servers publish it within " << rt.config().keysReload.count() << " s and sign with it "
         << rt.config().keyActivation.count() << " s from now; " << keys->files().size()
         << " keys published in the JWKS\n";
  return kOk;
}

int keysPrune(AuthRuntime& rt, const CommandIo& io) {
  if (!io.args.empty()) return usage(io, "unexpected argument " + io.args.front(), kKeysPruneHelp);
  auto keepFor = rt.config().accessTokenTtl + std::chrono::seconds(60);
  auto removed = pruneRetiredKeys(rt.config().keysDir, keepFor);
  for (const auto& p : removed) io.out << "removed " << p.string() << "\n";
  io.out << removed.size() << " retired key" << (removed.size() == 1 ? "" : "s") << " removed\n";
  return kOk;
}

}  // namespace

void addAuthCommands(Commands& commands, AuthRuntime& runtime) {
  commands.add("users create", kUsersCreateHelp, [&runtime](const CommandIo& io) { return usersCreate(runtime, io); });
  commands.add("keys rotate", kKeysRotateHelp, [&runtime](const CommandIo& io) { return keysRotate(runtime, io); });
  commands.add("keys prune", kKeysPruneHelp, [&runtime](const CommandIo& io) { return keysPrune(runtime, io); });
}

}  // namespace agape::auth
