#pragma once
// Cloudinary's Upload API on loopback, speaking its wire format: multipart
// (or urlencoded) POST /v1_1/<cloud>/image/upload and /image/destroy, the
// api_key checked, the signature recomputed over every field but file,
// cloud_name, resource_type, api_key and signature (401 "Invalid Signature
// ..." otherwise), a timestamp older than an hour refused (400 "Stale
// request"), errors as {"error": {"message"}}. Uploads as Cloudinary
// answers them (§2.3): the type from the file's magic (400 "Invalid image
// file" for anything but JPEG, PNG, WebP or GIF), the public id prefixed by
// `folder` when one is sent, overwrite=false on an existing public id
// answered 200 with "existing": true (nothing replaced), one eager entry per
// '|'-separated transformation, the answer signed (public_id and version).
// It decodes nothing: width and height are what reportImageSize() set (0 by
// default), an eager entry's are those of its w_/h_ box, and its bytes the
// original's. Raw files (POST /raw/upload, any bytes) keep their `type`
// (upload | authenticated) and are delivered at GET
// /<cloud>/raw/<type>/[s--SIG--/]<public id>: an authenticated one only
// with the URL's signature right (401 otherwise), 404 when there is none.
// The fake's clock is the system clock.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <agape/testing/loopback_http.h>

namespace agape::test {

class FakeCloudinary {
 public:
  struct Asset {
    std::string publicId;
    std::string format;  // jpg | png | webp | gif
    std::size_t bytes = 0;
    long long version = 0;
    std::vector<std::string> eager;  // the transformations made at upload
    std::string resourceType = "image";  // image | raw
    std::string type = "upload";         // upload | authenticated
  };

  // signatureAlgorithm: "sha1" | "sha256" (the account's setting).
  FakeCloudinary(std::string cloudName, std::string apiKey, std::string apiSecret,
                 std::string signatureAlgorithm = "sha1");
  ~FakeCloudinary();
  std::string url() const;  // http://127.0.0.1:<port>, the apiBaseUrl

  // The next `n` requests answer 503 {"error": {"message": "Internal Server Error"}}.
  void failNext(int n);
  // The next `n` requests answer 420 (Cloudinary's rate limit).
  void rateLimitNext(int n);
  // The next `n` uploads that pass the checks answer 400 "Invalid image file".
  void refuseNext(int n);
  // The next `n` requests answer after `delay` (for the caller's timeout).
  void delayNext(int n, std::chrono::milliseconds delay);
  // The width and height upload answers report for the original.
  void reportImageSize(int width, int height);

  std::vector<Asset> assets() const;  // by public id
  int requests() const;
  // The fields of the last request, file included (its bytes), as received.
  std::map<std::string, std::string> lastFields() const;
  bool lastRequestHad(const std::string& field) const;

  testing::LoopbackReply handle(const testing::LoopbackRequest& request);

 private:
  struct Stored {
    Asset asset;
    std::string assetId;
    std::string etag;
    int width = 0;
    int height = 0;
    std::string content;  // raw files only
  };
  testing::LoopbackReply upload(const std::map<std::string, std::string>& fields, const std::string& resourceType,
                                long long now);
  testing::LoopbackReply deliver(const std::string& path);
  testing::LoopbackReply destroy(const std::map<std::string, std::string>& fields);
  nlohmann::json answerFor(const Stored& stored) const;
  std::string digestHex(const std::string& data) const;
  // Sets test knobs under the lock the handler threads read them with.
  void setKnobs(std::initializer_list<std::pair<int*, int>> knobs);

  std::string cloudName_;
  std::string apiKey_;
  std::string apiSecret_;
  std::string algorithm_;
  mutable std::mutex mutex_;
  std::condition_variable stopping_;
  bool stopped_ = false;
  int failNext_ = 0;
  int rateLimitNext_ = 0;
  int refuseNext_ = 0;
  int delayNext_ = 0;
  int delayMs_ = 0;
  int reportedWidth_ = 0;
  int reportedHeight_ = 0;
  int requests_ = 0;
  long long generatedIds_ = 0;
  std::map<std::string, std::string> lastFields_;
  std::map<std::string, Stored> assets_;
  std::unique_ptr<testing::LoopbackHttpServer> server_;  // last: stopped before the state it reads
};

}  // namespace agape::test
