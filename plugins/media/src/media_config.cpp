#include "media_config.h"

#include <algorithm>

namespace agape::media {
namespace {

// [a-z0-9_-] segments joined by '/', no empty segment: a folder is part of a
// public id and of Cloudinary's signature.
bool isFolder(const std::string& f) {
  if (f.empty() || f.size() > 64 || f.front() == '/' || f.back() == '/') return false;
  char previous = '/';
  for (char c : f) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '/';
    if (!ok || (c == '/' && previous == '/')) return false;
    previous = c;
  }
  return true;
}

}  // namespace

MediaConfig decodeMediaConfig(const ConfigView& section) {
  MediaConfig c;
  ConfigDecoder d(section);
  c.provider = d.choice("provider", c.provider, {"local", "cloudinary"});
  c.directory = d.string("directory", "");
  c.publicBaseUrl = d.baseUrl("publicBaseUrl", c.publicBaseUrl);
  c.maxUploadBytes = d.bytes("maxUploadBytes", c.maxUploadBytes);
  c.maxPixels = d.integer("maxPixels", c.maxPixels, 1'000'000, 500'000'000);
  c.maxDimension = static_cast<int>(d.integer("maxDimension", c.maxDimension, 1'000, 65'000));
  std::vector<std::string> sizes;
  for (int s : c.thumbnailSizes) sizes.push_back(std::to_string(s));
  sizes = d.strings("thumbnailSizes", sizes);
  c.defaultFolder = d.string("defaultFolder", c.defaultFolder);
  c.directUploadValidity = d.duration("directUploadValidity", c.directUploadValidity);
  c.signingKey = d.string("signingKey", "");
  if (auto cl = d.section("cloudinary"); cl->present()) {
    ConfigDecoder cd(*cl);
    c.cloudinary.cloudName = cd.string("cloudName", "");
    c.cloudinary.apiKey = cd.string("apiKey", "");
    c.cloudinary.apiSecret = cd.string("apiSecret", "");
    c.cloudinary.apiBaseUrl = cd.baseUrl("apiBaseUrl", c.cloudinary.apiBaseUrl);
    c.cloudinary.deliveryBaseUrl = cd.baseUrl("deliveryBaseUrl", c.cloudinary.deliveryBaseUrl);
    c.cloudinary.signatureAlgorithm = cd.choice("signatureAlgorithm", c.cloudinary.signatureAlgorithm, {"sha1", "sha256"});
    c.cloudinary.timeout = cd.duration("timeout", c.cloudinary.timeout);
    cd.finish();
    if (c.cloudinary.timeout < std::chrono::seconds(1) || c.cloudinary.timeout > std::chrono::minutes(5))
      cl->child("timeout")->fail("must be between 1s and 5m");
  }
  d.finish();

  if (c.maxUploadBytes < 1024 || c.maxUploadBytes > (std::size_t{100} << 20))
    section.child("maxUploadBytes")->fail("must be between 1KiB and 100MiB");
  c.thumbnailSizes.clear();
  for (const auto& s : sizes) {
    int n = 0;
    try {
      n = std::stoi(s);
    } catch (const std::exception&) {
    }
    if (n < 16 || n > 4096 || std::to_string(n) != s)
      section.child("thumbnailSizes")->fail("must be a list of 1 to 5 box sizes between 16 and 4096 (px)");
    c.thumbnailSizes.push_back(n);
  }
  if (c.thumbnailSizes.empty() || c.thumbnailSizes.size() > 5)
    section.child("thumbnailSizes")->fail("must be a list of 1 to 5 box sizes between 16 and 4096 (px)");
  if (!isFolder(c.defaultFolder))
    section.child("defaultFolder")->fail("must be [a-z0-9_-] segments joined by '/', at most 64 characters");
  if (c.directUploadValidity < std::chrono::minutes(1) || c.directUploadValidity > std::chrono::hours(1))
    section.child("directUploadValidity")->fail("must be between 1m and 1h");
  if (!c.signingKey.empty() && c.signingKey.size() < 32)
    section.child("signingKey")->fail("must be at least 32 characters (e.g. openssl rand -hex 32)");
  if (c.provider == "cloudinary") {
    const auto cl = section.child("cloudinary");
    if (c.cloudinary.cloudName.empty() || c.cloudinary.apiKey.empty() || c.cloudinary.apiSecret.empty())
      (cl->present() ? *cl : *section.child("provider"))
          .fail("the cloudinary provider needs cloudinary.cloudName, cloudinary.apiKey and cloudinary.apiSecret");
  }
  c.cloudinary.thumbnailSizes = c.thumbnailSizes;
  return c;
}

void refuseDevelopmentSettings(const MediaConfig& c, const ConfigView& section) {
  if (c.provider == "local" && c.signingKey.empty())
    section.child("signingKey")
        ->fail("production needs a signing key for direct uploads to the local provider (32+ characters, from the "
               "environment: ${AGAPE_MEDIA_SIGNING_KEY})");
}

bool isMediaFolder(const std::string& folder) { return isFolder(folder); }

}  // namespace agape::media
