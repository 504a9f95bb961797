#pragma once
// Cloudinary's signed Upload API over libcurl: POST /v1_1/<cloud>/image/upload
// (multipart, the thumbnails as eager transformations, never overwriting)
// and /image/destroy, each signed with the account's api_secret (SHA-1 or
// SHA-256 of the sorted parameters followed by the secret); the answer's
// own signature checked. Also signs what a browser sends to upload straight
// to Cloudinary. The api_secret and the signatures never reach a message.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <agape/clock.h>

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

using CloudinaryParams = std::vector<std::pair<std::string, std::string>>;

// Lower-case hex digest of the parameters as Cloudinary signs them: empty
// values dropped, sorted by key, `key=value` joined with '&' (a '&' inside a
// value written %26), the secret appended. Signs exactly what it is given:
// leaving out file, cloud_name, resource_type and api_key is the caller's
// part. `algorithm`: "sha1" | "sha256"; throws std::invalid_argument else.
std::string cloudinarySignature(const CloudinaryParams& params, const std::string& apiSecret,
                                const std::string& algorithm);

// The thumbnail box of `size` px as a transformation: "c_fit,h_<N>,w_<N>".
std::string fitTransformation(int size);
// One fit transformation per size, joined with '|' (the `eager` parameter).
std::string eagerTransformations(const std::vector<int>& sizes);

// A delivery URL's signature, "s--<8 characters>--": the first 8 of the
// base64url SHA-1 of what follows it in the URL (transformation and public
// id; no version) with the secret appended.
std::string cloudinaryUrlSignature(const std::string& toSign, const std::string& apiSecret);

// <deliveryBaseUrl>/<cloud>/image/upload/[<transformation>/][v<version>/]<publicId>.<format>;
// no transformation when empty, no version when 0.
std::string cloudinaryDeliveryUrl(const std::string& deliveryBaseUrl, const std::string& cloudName,
                                  const std::string& transformation, long long version,
                                  const std::string& publicId, const std::string& format);

class CloudinaryClient final : public MediaProvider {
 public:
  // `clock` dates the signed requests (Cloudinary accepts them for an hour)
  // and outlives the client. Throws std::invalid_argument for an unknown
  // signature algorithm.
  CloudinaryClient(CloudinarySettings settings, const Clock& clock);
  std::string name() const override { return "cloudinary"; }
  StoredImage store(const ImageToStore& image) override;
  void remove(const std::string& publicId, const std::string& format) override;
  Json directUpload(const std::string& folder, const std::string& uploader, long long nowSeconds) override;
  // Raw files of type authenticated under the key as public id, read back
  // from <deliveryBaseUrl>/<cloud>/raw/authenticated/s--SIG--/<key>.
  void keepPrivate(const std::string& key, std::string_view bytes) override;
  std::optional<std::string> readPrivate(const std::string& key) override;
  std::string privateUrl(const std::string& key) const;

 private:
  struct UploadFile {
    std::string_view bytes;
    std::string mediaType;
    std::string name;
  };
  // Signs `params`, posts them (and the file when given) as multipart to
  // /<resourceType>/<action>, and returns a 200's JSON object; throws
  // MediaProviderError for anything else.
  Json post(const std::string& action, CloudinaryParams params, const UploadFile* file,
            const std::string& resourceType = "image") const;
  // An upload's answer is signed and names `publicId`; its version.
  long long checkStored(const Json& body, const std::string& publicId) const;
  std::string endpoint(const std::string& action, const std::string& resourceType = "image") const;
  std::string sign(const CloudinaryParams& params) const;
  long long nowSeconds() const;

  CloudinarySettings settings_;
  const Clock& clock_;
};

}  // namespace agape::media
