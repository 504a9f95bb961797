#pragma once
// What every catalogue write needs: the database, audit, events, the clock,
// and the cache invalidation that runs once the transaction commits.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <agape/audit.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/events.h>
#include <agape/json.h>
#include <agape/problem.h>

namespace agape::media {
class MediaLibrary;
}

namespace agape::catalog {

struct WriteDeps {
  Database& db;
  Audit& audit;
  Events& events;
  const Clock& clock;
  // After a write's commit: this instance's caches and search index bring
  // in the change (a product's id; empty for the category tree).
  std::function<void(const std::string& productId)> committed;
  media::MediaLibrary* media = nullptr;  // when the media plugin is enabled (set at validate)

  long long nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count();
  }
  // Bumps the shared cache version (other instances poll it) and brings
  // the change into this instance's caches after commit, before the writer
  // answers: its client reads what it wrote.
  void changed(Tx& tx, std::string productId = {}) const {
    tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
    tx.afterCommit([this, productId = std::move(productId)] { committed(productId); });
  }
};

// Collects field errors found in the database (media references) and
// throws them together.
class BodyErrors {
 public:
  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool empty() const { return errors_.empty(); }
  void throwIfAny() {
    if (!errors_.empty()) throw Problem::validation(std::move(errors_));
  }

 private:
  std::vector<FieldError> errors_;
};

// One product image as given, before the media library is asked.
struct ImageInput {
  std::string field;                   // "images[2]."
  Json image;                          // as stored, when given with its url
  std::optional<std::string> mediaRef; // a media id or public id to resolve
  std::string mediaField = {};         // the field that named it
};

// The images as stored (JSON text): media references replaced by the
// library's image (url, publicId, mediaId, thumbnailUrl, width, height,
// alt), unknown ones 400 naming the field; the product's use of them
// recorded so the library will not delete them under it.
std::string resolveImages(Tx& tx, const std::vector<ImageInput>& images, media::MediaLibrary* media,
                          const std::string& productId);

}  // namespace agape::catalog
