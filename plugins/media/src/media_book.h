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
#include <agape/json.h>
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

class MediaBook {
 public:
  MediaBook(const Clock& clock, Audit& audit) : clock_(clock), audit_(audit) {}

  // The pending row; its id.
  std::string begin(Tx& tx, const NewMedia& media) const;
  // The provider stored it: ready, audited; the record as JSON.
  Json complete(Tx& tx, const std::string& id, const StoredImage& stored) const;
  void forget(Tx& tx, const std::string& id) const;

  std::optional<Json> get(Tx& tx, std::string_view idOrPublicId) const;
  std::optional<MediaItem> item(Tx& tx, std::string_view idOrPublicId) const;
  Json list(Tx& tx, int page, int limit, const std::optional<std::string>& folder) const;
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
