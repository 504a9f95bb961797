// A test double for the auth plugin: an Authenticator that accepts
//   Authorization: Bearer test:<userId>:<role>[,<role>...]
// and refuses any other Authorization header with 401; and a UserDirectory
// in which every user id exists, as <userId>@example.ng named <userId>, and
// each role has one holder, u-<role> (the ids the tests' tokens use).
#include <agape/auth.h>
#include <agape/auth/user_directory.h>
#include <agape/context.h>
#include <agape/plugin.h>
#include <agape/problem.h>
#include <agape/services.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

class TestTokens final : public agape::Authenticator {
 public:
  std::optional<agape::Principal> authenticate(const agape::Request& request) const override {
    auto h = request.header("Authorization");
    if (!h) return std::nullopt;
    constexpr std::string_view kPrefix = "Bearer test:";
    std::string_view v = *h;
    if (v.substr(0, kPrefix.size()) != kPrefix) throw agape::Problem::unauthorized("Invalid token.");
    v.remove_prefix(kPrefix.size());
    const auto colon = v.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == v.size())
      throw agape::Problem::unauthorized("Invalid token.");
    agape::Principal p;
    p.id = std::string(v.substr(0, colon));
    p.sessionId = "test-session";
    std::string_view roles = v.substr(colon + 1);
    while (!roles.empty()) {
      const auto comma = roles.find(',');
      auto role = roles.substr(0, comma);
      if (role.empty()) throw agape::Problem::unauthorized("Invalid token.");
      p.roles.emplace_back(role);
      if (comma == std::string_view::npos) break;
      roles.remove_prefix(comma + 1);
    }
    return p;
  }
};

class TestUsers final : public agape::auth::UserDirectory {
 public:
  std::optional<agape::auth::UserSummary> findById(agape::Tx&, const std::string& id) const override {
    return agape::auth::UserSummary{id, id + "@example.ng", id, "Test", std::nullopt, {"customer"}, true};
  }
  std::optional<agape::auth::UserSummary> findByEmail(agape::Tx& tx, const std::string& email) const override {
    const auto at = email.find("@example.ng");
    if (at == std::string::npos || at == 0) return std::nullopt;
    return findById(tx, email.substr(0, at));
  }
  std::map<std::string, std::string> emailsOf(agape::Tx&, const std::vector<std::string>& ids) const override {
    std::map<std::string, std::string> out;
    for (const auto& id : ids) out.emplace(id, id + "@example.ng");
    return out;
  }
  std::vector<agape::auth::UserSummary> withRoles(agape::Tx& tx, const std::vector<std::string>& roles,
                                                  std::size_t limit) const override {
    std::vector<agape::auth::UserSummary> out;
    for (const auto& role : roles) {
      if (out.size() == limit) break;
      auto user = *findById(tx, "u-" + role);
      user.roles = {role};
      out.push_back(std::move(user));
    }
    return out;
  }
};

class TokensPlugin final : public agape::Plugin {
 public:
  void provision(agape::Context& ctx) override {
    ctx.services().provide<agape::Authenticator>(std::make_shared<TestTokens>());
    ctx.services().provide<agape::auth::UserDirectory>(std::make_shared<TestUsers>());
  }
};

}  // namespace

AGAPE_PLUGIN(TokensPlugin, "test.tokens", "1.0.0")
