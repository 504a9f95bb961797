#pragma once
// The local provider: the original and one thumbnail per configured size as
// files in one directory, named by the server (`<name>.<ext>`,
// `<name>-<size>.<ext>`, name = 32 hex characters) — never by the client,
// so no path can be smuggled in — written to a temporary file first and
// linked into place, which fails rather than overwrite. Served read-only by
// GET /v1/media/files/:file. Private documents go to private/<key>. Direct uploads are signed URLs back to this
// server (HMAC-SHA256 with media.signingKey), verified by the plugin.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "media_provider.h"

namespace agape::media {

class LocalStorage final : public MediaProvider {
 public:
  LocalStorage(std::filesystem::path directory, std::string publicBaseUrl, std::vector<int> thumbnailSizes,
               std::string signingKey, long long directUploadValiditySeconds);

  std::string name() const override { return "local"; }
  StoredImage store(const ImageToStore& image) override;
  void remove(const std::string& publicId, const std::string& format) override;
  Json directUpload(const std::string& folder, const std::string& uploader, long long nowSeconds) override;
  // Under <directory>/private, which GET /v1/media/files/:file never reads.
  void keepPrivate(const std::string& key, std::string_view bytes) override;
  std::optional<std::string> readPrivate(const std::string& key) override;

  // A file name GET /v1/media/files/:file may serve, and its bytes; nullopt
  // for a name this store never writes or a file that is not there.
  struct File {
    std::string bytes;
    std::string contentType;
  };
  std::optional<File> read(const std::string& fileName) const;

  // A direct upload's query, checked: the signature matches and it has not
  // expired. The nonce makes it single-use (the caller records it).
  struct SignedUpload {
    std::string folder, uploader, nonce;
    long long expires = 0;
    std::string signature;
  };
  bool verify(const SignedUpload& upload, long long nowSeconds) const;

  // Temporary files left by a crash, older than an hour; how many were removed.
  int sweepTemporaryFiles() const;

  // The file name part of a public id ("products/0193..." → "0193...").
  static std::string nameOf(const std::string& publicId);

 private:
  std::string sign(const std::string& folder, const std::string& uploader, long long expires,
                   const std::string& nonce) const;
  void writeNew(const std::string& fileName, std::string_view bytes) const;
  std::string urlOf(const std::string& fileName) const { return publicBaseUrl_ + "/v1/media/files/" + fileName; }

  std::filesystem::path directory_;
  std::string publicBaseUrl_;
  std::vector<int> thumbnailSizes_;
  std::string signingKey_;
  long long validitySeconds_;
};

}  // namespace agape::media
