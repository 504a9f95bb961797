#include "local_storage.h"


#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <agape/crypto.h>
#include <agape/files.h>

#include "image_probe.h"

namespace agape::media {
namespace {

constexpr const char* kTemporary = ".tmp";

bool isHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// `<32 hex>[-<digits>].<jpg|png|webp>`: the only names this store writes.
std::optional<std::string> contentTypeOf(const std::string& fileName) {
  const auto dot = fileName.rfind('.');
  if (dot == std::string::npos || dot < 32 || !isHex(std::string_view(fileName).substr(0, 32))) return std::nullopt;
  const std::string stem = fileName.substr(32, dot - 32);
  if (!stem.empty()) {
    if (stem.size() < 2 || stem.size() > 5 || stem[0] != '-') return std::nullopt;
    for (std::size_t i = 1; i < stem.size(); ++i)
      if (stem[i] < '0' || stem[i] > '9') return std::nullopt;
  }
  const std::string ext = fileName.substr(dot + 1);
  if (ext == "jpg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "webp") return "image/webp";
  return std::nullopt;
}

}  // namespace

LocalStorage::LocalStorage(std::filesystem::path directory, std::string publicBaseUrl, std::vector<int> thumbnailSizes,
                           std::string signingKey, long long directUploadValiditySeconds)
    : directory_(std::move(directory)), publicBaseUrl_(std::move(publicBaseUrl)),
      thumbnailSizes_(std::move(thumbnailSizes)), signingKey_(std::move(signingKey)),
      validitySeconds_(directUploadValiditySeconds) {
  std::filesystem::create_directories(directory_ / kTemporary);
}

std::string LocalStorage::nameOf(const std::string& publicId) {
  const auto slash = publicId.rfind('/');
  return slash == std::string::npos ? publicId : publicId.substr(slash + 1);
}

void LocalStorage::writeNew(const std::string& fileName, std::string_view bytes) const {
  try {
    writeFileDurably(directory_ / fileName, bytes, ExistingFile::Keep, directory_ / kTemporary);
  } catch (const std::system_error& e) {
    // A full disk or a missing directory: the upload can be tried again later.
    throw MediaProviderError(true, e.what());
  }
}

StoredImage LocalStorage::store(const ImageToStore& image) {
  const std::string name = nameOf(image.publicId);
  if (name.size() != 32 || !isHex(name)) throw MediaProviderError(false, "a local public id ends in 32 hex characters");
  StoredImage out;
  std::vector<std::string> written;
  try {
    // Thumbnails first: an image that cannot be made smaller is refused
    // before anything is kept.
    std::vector<std::pair<int, std::string>> thumbs;
    for (int size : thumbnailSizes_) {
      try {
        thumbs.emplace_back(size, thumbnail(image.bytes, image.format, size));
      } catch (const std::runtime_error& e) {
        throw MediaProviderError(false, e.what());
      }
    }
    const std::string original = name + "." + image.format;
    writeNew(original, image.bytes);
    written.push_back(original);
    out.url = urlOf(original);
    for (const auto& [size, bytes] : thumbs) {
      const std::string file = name + "-" + std::to_string(size) + "." + image.format;
      writeNew(file, bytes);
      written.push_back(file);
      out.thumbnails.push_back({size, size, urlOf(file)});
    }
  } catch (...) {
    for (const auto& f : written) std::filesystem::remove(directory_ / f);
    throw;
  }
  return out;
}

void LocalStorage::remove(const std::string& publicId, const std::string& format) {
  const std::string name = nameOf(publicId);
  if (name.size() != 32 || !isHex(name)) return;  // never a path of ours
  std::error_code ec;
  std::filesystem::remove(directory_ / (name + "." + format), ec);
  if (ec) throw MediaProviderError(true, "cannot remove " + name + ": " + ec.message());
  for (int size : thumbnailSizes_) std::filesystem::remove(directory_ / (name + "-" + std::to_string(size) + "." + format), ec);
}

void LocalStorage::keepPrivate(const std::string& key, std::string_view bytes) {
  const std::filesystem::path path = directory_ / "private" / key;
  try {
    std::filesystem::create_directories(path.parent_path());
    writeFileDurably(path, bytes, ExistingFile::Replace, directory_ / kTemporary);
  } catch (const std::exception& e) {
    throw MediaProviderError(true, e.what());
  }
}

std::optional<std::string> LocalStorage::readPrivate(const std::string& key) {
  try {
    return readWholeFile(directory_ / "private" / key);
  } catch (const std::exception& e) {
    throw MediaProviderError(true, e.what());
  }
}

std::optional<LocalStorage::File> LocalStorage::read(const std::string& fileName) const {
  const auto type = contentTypeOf(fileName);
  if (!type) return std::nullopt;
  std::ifstream in(directory_ / fileName, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return File{std::move(bytes).str(), *type};
}

std::string LocalStorage::sign(const std::string& folder, const std::string& uploader, long long expires,
                               const std::string& nonce) const {
  // Newline-separated: none of the parts can contain one.
  return hexEncode(hmacSha256(signingKey_, folder + "\n" + uploader + "\n" + std::to_string(expires) + "\n" + nonce));
}

Json LocalStorage::directUpload(const std::string& folder, const std::string& uploader, long long nowSeconds) {
  const long long expires = nowSeconds + validitySeconds_;
  const std::string nonce = hexEncode(randomBytes(16));
  const std::string signature = sign(folder, uploader, expires, nonce);
  return {{"uploadUrl", publicBaseUrl_ + "/v1/media/upload/signed?folder=" + folder + "&uploader=" + uploader +
                            "&expires=" + std::to_string(expires) + "&nonce=" + nonce + "&signature=" + signature},
          {"apiKey", nullptr},
          {"timestamp", nowSeconds},
          {"expiresAt", expires},
          {"signature", signature},
          {"folder", folder},
          {"field", "file"}};
}

bool LocalStorage::verify(const SignedUpload& u, long long nowSeconds) const {
  if (u.expires < nowSeconds || u.nonce.size() != 32 || !isHex(u.nonce)) return false;
  return constantTimeEquals(u.signature, sign(u.folder, u.uploader, u.expires, u.nonce));
}

int LocalStorage::sweepTemporaryFiles() const {
  int removed = 0;
  std::error_code ec;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : std::filesystem::directory_iterator(directory_ / kTemporary, ec))
    if (entry.last_write_time(ec) < cutoff && std::filesystem::remove(entry.path(), ec)) ++removed;
  return removed;
}

}  // namespace agape::media
