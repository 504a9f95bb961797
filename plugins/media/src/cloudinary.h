#pragma once
// Placeholder: the Cloudinary provider's settings (the client comes with it).
#include <chrono>
#include <string>
#include <vector>

#include "media_provider.h"

namespace agape::media {

struct CloudinarySettings {
  std::string cloudName, apiKey, apiSecret;
  std::string apiBaseUrl = "https://api.cloudinary.com";
  std::string deliveryBaseUrl = "https://res.cloudinary.com";
  std::string signatureAlgorithm = "sha1";
  std::chrono::milliseconds timeout{30000};
  std::vector<int> thumbnailSizes{400};
};

// Until the client lands: every call says Cloudinary cannot be reached.
class CloudinaryClient final : public MediaProvider {
 public:
  explicit CloudinaryClient(CloudinarySettings settings) : settings_(std::move(settings)) {}
  std::string name() const override { return "cloudinary"; }
  StoredImage store(const ImageToStore&) override { throw MediaProviderError(true, "no Cloudinary client"); }
  void remove(const std::string&, const std::string&) override { throw MediaProviderError(true, "no Cloudinary client"); }
  Json directUpload(const std::string&, const std::string&, long long) override {
    throw MediaProviderError(true, "no Cloudinary client");
  }

 private:
  CloudinarySettings settings_;
};

}  // namespace agape::media
