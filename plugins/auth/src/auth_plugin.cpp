// The auth plugin: accounts, passwords, RS256 access tokens, refresh
// sessions and TOTP (docs/auth.md).
#include <agape/config.h>
#include <agape/context.h>
#include <agape/plugin.h>
#include <agape/secret_box.h>
#include <agape/services.h>

#include "account_import_impl.h"
#include "auth_commands.h"
#include "auth_config.h"
#include "auth_runtime.h"
#include "revocation_poller.h"
#include "token_authenticator.h"
#include "user_directory_impl.h"

namespace agape::auth {
namespace {

class AuthPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeAuthConfig(section); }

  void provision(Context& ctx) override {
    bool hadKey = false;
    for (const auto& e : std::filesystem::exists(config_.keysDir) ? std::filesystem::directory_iterator(config_.keysDir)
                                                                   : std::filesystem::directory_iterator())
      hadKey = hadKey || e.path().extension() == ".pem";
    const KeyStoreOptions keyOptions{.dir = config_.keysDir,
                                     .activeKey = config_.activeKey,
                                     .generateIfMissing = config_.generateKeys,
                                     .activationDelay = config_.keyActivation};
    auto keys = std::make_shared<KeyRing>(keyOptions, loadKeySet(keyOptions));
    if (!hadKey) ctx.logger().warn("auth: generated a development signing key", {{"dir", config_.keysDir.string()}});
    ctx.logger().info("auth: signing keys loaded",
                      {{"activeKid", keys->current()->active().kid()},
                       {"keys", std::to_string(keys->current()->files().size())}});

    runtime_ = std::make_unique<AuthRuntime>(
        config_, keys, AuthServices{ctx.db(), ctx.events(), ctx.audit(), ctx.clock(), ctx.logger(),
                                     ctx.services().get<SecretBox>()});
    ctx.services().provide<Authenticator>(std::make_shared<TokenAuthenticator>(
        runtime_->sharedKeyRing(), runtime_->tokenRules(), ctx.clock(), std::const_pointer_cast<const RevocationList>(runtime_->revocations())));
    ctx.services().provide<UserDirectory>(std::make_shared<UserDirectoryImpl>());
    ctx.services().provide<AccountImport>(std::make_shared<AccountImportImpl>());

    Routes& routes = ctx.routes();
    addAccountRoutes(routes, *runtime_);
    addLoginRoutes(routes, *runtime_);
    addSessionRoutes(routes, *runtime_);
    addTwoFactorRoutes(routes, *runtime_);
    addAdminRoutes(routes, *runtime_);
    addJwksRoute(routes, *runtime_);
    addAuthCommands(ctx.commands(), *runtime_);
  }

  void start(Context& ctx) override {
    if (const int n = runtime_->resealTotpSecrets(); n > 0)
      ctx.logger().info("auth: TOTP secrets sealed under the newest key", {{"count", std::to_string(n)}});
    poller_ = std::make_unique<RevocationPoller>(*runtime_);
    poller_->start();
  }

  void stop() noexcept override {
    if (poller_) poller_->stop();
  }

 private:
  AuthConfig config_;
  std::unique_ptr<AuthRuntime> runtime_;
  std::unique_ptr<RevocationPoller> poller_;
};

}  // namespace
}  // namespace agape::auth

AGAPE_PLUGIN(agape::auth::AuthPlugin, "auth", "1.0.0")
