#pragma once
// Where uploaded images live: the local disk (files under dataDir/media,
// thumbnails made here with libvips) or Cloudinary (its signed Upload API,
// thumbnails as eager transformations). The plugin has checked the bytes
// (type from the magic, dimensions from the header, a full decode) before a
// provider sees them, and chose the public id; a provider never overwrites.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <agape/json.h>

namespace agape::media {

// One stored size of an image.
struct Thumbnail {
  int width = 0;  // the box it fits in (the image keeps its aspect ratio)
  int height = 0;
  std::string url;
};

struct ImageToStore {
  std::string publicId;     // "<folder>/<name>", chosen by the server: [a-z0-9/_-] only
  std::string_view bytes;   // the original, as uploaded
  std::string format;       // jpg | png | webp
  int width = 0;
  int height = 0;
};

struct StoredImage {
  std::string url;                     // the original
  std::vector<Thumbnail> thumbnails;   // in media.thumbnailSizes order; the first is thumbnailUrl
  Json extra = Json::object();         // provider details kept with the record (Cloudinary's version, asset id)
};

class MediaProviderError : public std::runtime_error {
 public:
  // unavailable: the provider could not be reached or failed (5xx, 420/429,
  // timeout): try again later (503). Otherwise it refused the image (422).
  MediaProviderError(bool unavailable, const std::string& message)
      : std::runtime_error(message), unavailable_(unavailable) {}
  bool unavailable() const noexcept { return unavailable_; }

 private:
  bool unavailable_;
};

class MediaProvider {
 public:
  virtual ~MediaProvider() = default;
  virtual std::string name() const = 0;  // "local" | "cloudinary"
  // Stores the image and its thumbnails; throws MediaProviderError. Never
  // overwrites: a public id that exists is an error.
  virtual StoredImage store(const ImageToStore& image) = 0;
  // Removes the image and its thumbnails; one already gone is no error.
  // Throws MediaProviderError.
  virtual void remove(const std::string& publicId, const std::string& format) = 0;
  // What a browser needs to upload straight to the provider into `folder`
  // (GET /v1/media/upload-url): {uploadUrl, apiKey, timestamp, signature,
  // folder} and whatever else the provider checks. `uploader` is the
  // principal asking; `nowSeconds` Unix time.
  virtual Json directUpload(const std::string& folder, const std::string& uploader, long long nowSeconds) = 0;
  // A private document (MediaLibrary::keepDocument; `key` checked by the
  // plugin), replacing one with the same key; nullopt when there is none.
  // Throws MediaProviderError.
  virtual void keepPrivate(const std::string& key, std::string_view bytes) = 0;
  virtual std::optional<std::string> readPrivate(const std::string& key) = 0;
};

}  // namespace agape::media
