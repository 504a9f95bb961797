#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <agape/config.h>

#include "cloudinary.h"

namespace agape::media {

struct MediaConfig {
  // "local": files under `directory` (default <dataDir>/media), thumbnails
  // made here; "cloudinary": Cloudinary's signed Upload API.
  std::string provider = "local";
  std::string directory;  // local; "" → <dataDir>/media
  // This server as a browser reaches it: local file and signed-upload URLs.
  std::string publicBaseUrl = "http://localhost:8080";
  std::size_t maxUploadBytes = 10 * 1024 * 1024;
  // Decompression bombs are refused from the header, before decoding.
  long long maxPixels = 50'000'000;
  int maxDimension = 20'000;
  // Thumbnail boxes (px, the image keeps its aspect ratio inside); the
  // first is thumbnailUrl.
  std::vector<int> thumbnailSizes{400};
  std::string defaultFolder = "products";
  // GET /v1/media/upload-url: how long its signature is good for (local;
  // Cloudinary allows one hour from its timestamp).
  std::chrono::milliseconds directUploadValidity = std::chrono::minutes(10);
  // Signs local direct-upload URLs (HMAC-SHA256); at least 32 characters.
  // Development draws one at start when empty; production requires it.
  std::string signingKey;
  CloudinarySettings cloudinary;
};

// [a-z0-9_-] segments joined by '/', at most 64 characters.
bool isMediaFolder(const std::string& folder);

// Strict decode of the `media:` section; throws agape::ConfigError.
MediaConfig decodeMediaConfig(const ConfigView& section);
// With environment: production, refuses what is safe only in development
// (no signing key for local uploads, a Cloudinary account left unset).
void refuseDevelopmentSettings(const MediaConfig& config, const ConfigView& section);

}  // namespace agape::media
