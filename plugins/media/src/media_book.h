#pragma once
// Media records: written pending before the provider stores the bytes,
// ready after; reading and listing; usages; single-use upload nonces. Also
// the MediaLibrary other plugins read in their own transaction.
#include <optional>
#include <string>
#include <vector>

#include <agape/audit.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/schema.h>
#include <agape/media/media_library.h>

#include "media_provider.h"

namespace agape::media {

struct NewMedia {
  std::string publicId;
  std::string provider;
  int width = 0;
  int height = 0;
  std::string format;
  std::int64_t bytes = 0;
  std::string alt;
  std::string folder;
  std::string uploadedBy;
};

// A record as staff see it.
struct MediaRecord {
  std::string id;
  std::string publicId;
  std::string provider;  // local | cloudinary
  std::string url;
  std::string thumbnailUrl;
  JsonText thumbnails;  // [{width, height, url}], as the provider made them
  long long width = 0;
  long long height = 0;
  std::string format;  // jpg | png | webp
  long long bytes = 0;
  std::string alt;
  std::string folder;
  std::string uploadedBy;
  Timestamp createdAt;
};

class MediaBook {
 public:
  MediaBook(const Clock& clock, Audit& audit) : clock_(clock), audit_(audit) {}

  // The pending row; its id.
  std::string begin(Tx& tx, const NewMedia& media) const;
  // The provider stored it: ready, audited; the record.
  MediaRecord complete(Tx& tx, const std::string& id, const StoredImage& stored) const;
  void forget(Tx& tx, const std::string& id) const;

  std::optional<MediaRecord> get(Tx& tx, std::string_view idOrPublicId) const;
  std::optional<MediaItem> item(Tx& tx, std::string_view idOrPublicId) const;
  Page<MediaRecord> list(Tx& tx, int page, int limit, const std::optional<std::string>& folder) const;
  // Who uses it ("product:<id>"), at most `limit`.
  std::vector<std::string> usedBy(Tx& tx, const std::string& id, int limit) const;
  void setUsage(Tx& tx, const std::string& owner, const std::vector<std::string>& mediaIds) const;
  // Deletes the record and its usages; audited.
  void remove(Tx& tx, const std::string& id, const std::string& actor) const;

  // Pending rows older than `beforeMs`: {id, publicId, format}.
  struct Interrupted {
    std::string id, publicId, format;
  };
  std::vector<Interrupted> interrupted(Tx& tx, long long beforeMs) const;
  // True the first time a nonce is used.
  bool useNonce(Tx& tx, const std::string& nonce) const;
  long long purgeNonces(Tx& tx, long long beforeMs) const;

  long long nowMs() const { return epochMs(clock_.now()); }

 private:
  // The ready record with this id or public id.
  std::optional<Row> ready(Tx& tx, std::string_view idOrPublicId) const;

  const Clock& clock_;
  Audit& audit_;
};

}  // namespace agape::media
