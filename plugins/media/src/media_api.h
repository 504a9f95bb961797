#pragma once
// The media library's HTTP surface (API.md, Media): upload, signed direct
// upload, listing, deleting, and — with the local provider — the files
// themselves. Also the MediaLibrary service other plugins use.
#include <memory>
#include <string>

#include <agape/context.h>
#include <agape/http.h>
#include <agape/media/media_library.h>

#include "image_probe.h"
#include "local_storage.h"
#include "media_book.h"
#include "media_config.h"
#include "media_provider.h"

namespace agape::media {

class MediaApi final : public MediaLibrary {
 public:
  MediaApi(Context& ctx, const MediaConfig& config, MediaBook& book, MediaProvider& provider, LocalStorage* local)
      : ctx_(ctx), config_(config), book_(book), provider_(provider), local_(local) {}
  void registerRoutes(Routes& routes);

  // The one way an image comes in: checked (type, size, pixels, a full
  // decode), recorded pending, stored by the provider, recorded ready.
  // Problems: 415, 422 image_too_large / corrupt_image / upload_refused,
  // 503 when the provider cannot be reached. `name` ("" → random) is the
  // last part of the public id.
  MediaRecord accept(std::string_view bytes, const std::string& alt, const std::string& folder, const std::string& uploader,
              const std::string& name = "");
  // Interrupted uploads (pending for over 15 minutes) removed at the
  // provider and forgotten; used nonces and temporary files purged.
  void sweep();

  std::optional<MediaItem> find(Tx& tx, std::string_view idOrPublicId) const override;
  void setUsage(Tx& tx, const std::string& owner, const std::vector<std::string>& mediaIds) override;
  MediaItem demoPicture(const DemoPicture& picture) override;
  void keepDocument(const std::string& key, std::string_view bytes) override;
  std::optional<std::string> document(const std::string& key) override;

 private:
  void remove(const std::string& idOrPublicId, bool force, const std::string& actor);
  Response file(const Request& req);
  std::string folderOf(const std::string& given) const;

  Context& ctx_;
  const MediaConfig& config_;
  MediaBook& book_;
  MediaProvider& provider_;
  LocalStorage* local_;
};

}  // namespace agape::media
