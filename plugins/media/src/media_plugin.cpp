// The media plugin: images uploaded (or sent straight from the browser) to
// the local disk or Cloudinary, checked from their bytes, with thumbnails;
// listed, deleted (not while a product shows them), and offered to the
// catalogue as the MediaLibrary service.
#include <filesystem>
#include <memory>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/jobs.h>
#include <agape/logger.h>
#include <agape/plugin.h>
#include <agape/services.h>

#include <agape/crypto.h>

#include "cloudinary.h"
#include "image_probe.h"
#include "local_storage.h"
#include "media_api.h"
#include "media_book.h"
#include "media_config.h"

namespace agape::media {
namespace {

constexpr const char* kSweepQueue = "media.sweep";

class MediaPlugin final : public Plugin {
 public:
  void configure(const ConfigView& section) override { config_ = decodeMediaConfig(section); }

  void provision(Context& ctx) override {
    if (ctx.environment() == "production") refuseDevelopmentSettings(config_, ctx.config());
    initImageLibrary();
    if (config_.provider == "local") {
      // Development: a key of this run (its direct-upload URLs die with it).
      if (config_.signingKey.empty()) config_.signingKey = hexEncode(randomBytes(32));
      const std::filesystem::path dir =
          config_.directory.empty() ? std::filesystem::path(ctx.dataDir()) / "media" : std::filesystem::path(config_.directory);
      auto local = std::make_unique<LocalStorage>(dir, config_.publicBaseUrl, config_.thumbnailSizes, config_.signingKey,
                                                  std::chrono::duration_cast<std::chrono::seconds>(config_.directUploadValidity).count());
      local_ = local.get();
      provider_ = std::move(local);
    } else {
      provider_ = std::make_unique<CloudinaryClient>(config_.cloudinary, ctx.clock());
    }
    book_ = std::make_unique<MediaBook>(ctx.clock(), ctx.audit());
    api_ = std::make_shared<MediaApi>(ctx, config_, *book_, *provider_, local_);
    api_->registerRoutes(ctx.routes());
    ctx.services().provide<MediaLibrary>(api_);
    ctx.jobs().handle(kSweepQueue, [this](const Job&) { api_->sweep(); });
    ctx.jobs().schedule("sweep", "*/10 * * * *", kSweepQueue, "{}");
  }

  void start(Context& ctx) override {
    ctx.logger().info("media provider", {{"provider", provider_->name()}});
    // Uploads a crash cut short are cleaned up soon after a restart, not
    // only at the next tick.
    ctx.jobs().enqueue(kSweepQueue, "{}");
  }

 private:
  MediaConfig config_;
  std::unique_ptr<MediaProvider> provider_;
  LocalStorage* local_ = nullptr;
  std::unique_ptr<MediaBook> book_;
  std::shared_ptr<MediaApi> api_;
};

}  // namespace
}  // namespace agape::media

AGAPE_PLUGIN(agape::media::MediaPlugin, "media", "1.0.0")
