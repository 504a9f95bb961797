#pragma once
// What other plugins may ask of the media library, inside their own
// transaction. The catalogue resolves product images given as {mediaId}
// (or {publicId}) to the stored image's URLs and size, and records which
// images a product uses so that they are not deleted under it:
//
//   auto* media = ctx.services().find<agape::media::MediaLibrary>().get();  // optional, in validate
//   db.run([&](agape::Tx& tx) {
//     auto image = media->find(tx, mediaId);          // nullopt: 400 images[i].mediaId
//     media->setUsage(tx, "product:" + productId, {image->id});
//   });
// Call it from handlers and jobs, never from a network thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape {
class Tx;
}

namespace agape::media {

struct MediaItem {
  std::string id;
  std::string publicId;
  std::string url;
  std::string thumbnailUrl;
  int width = 0;
  int height = 0;
  std::string format;  // jpg | png | webp
  std::int64_t bytes = 0;
  std::string alt;
};

// A demo picture: two colours in diagonal stripes, made and stored once
// per key (the same key → the same image, whatever the number of calls).
struct DemoPicture {
  std::string key;  // [a-z0-9-], e.g. the product's slug
  unsigned colourA = 0;  // 0xRRGGBB
  unsigned colourB = 0;
  std::string alt;
};

class MediaLibrary {
 public:
  static constexpr std::string_view kServiceId = "agape.media.MediaLibrary";
  virtual ~MediaLibrary() = default;
  // A stored image by its id or its public id; nullopt when there is none.
  virtual std::optional<MediaItem> find(Tx& tx, std::string_view idOrPublicId) const = 0;
  // `owner` ("product:<id>") uses exactly these images from now on (its
  // earlier ones are let go). Unknown ids are ignored.
  virtual void setUsage(Tx& tx, const std::string& owner, const std::vector<std::string>& mediaIds) = 0;
  // Makes (once) and stores a demo picture; outside any transaction (it
  // writes files and its own record). Throws std::runtime_error.
  virtual MediaItem demoPicture(const DemoPicture& picture) = 0;

  // Private documents (an order's invoice): kept by the provider where no
  // public URL reaches them (local: <media directory>/private; Cloudinary:
  // raw files of type authenticated, read back through signed URLs) and
  // read back by key. `key` is path segments of [a-z0-9._-] joined by '/',
  // e.g. "invoices/<order id>.pdf" (std::invalid_argument otherwise);
  // keeping a key again replaces the document. Outside any transaction;
  // std::runtime_error when the provider fails.
  virtual void keepDocument(const std::string& key, std::string_view bytes) = 0;
  // nullopt when no document has the key.
  virtual std::optional<std::string> document(const std::string& key) = 0;
};

}  // namespace agape::media
