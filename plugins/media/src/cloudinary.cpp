#include "cloudinary.h"

#include <openssl/evp.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MultipartWriter.h>
#include <Poco/Net/StringPartSource.h>

#include <agape/crypto.h>
#include <agape/outbound_http.h>

namespace agape::media {
namespace {

const EVP_MD* digestOf(const std::string& algorithm) {
  if (algorithm == "sha1") return EVP_sha1();
  if (algorithm == "sha256") return EVP_sha256();
  throw std::invalid_argument("cloudinary signatures are sha1 or sha256, not '" + algorithm + "'");
}

std::string rawDigest(const std::string& data, const std::string& algorithm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, digestOf(algorithm), nullptr) != 1)
    throw std::runtime_error("openssl could not compute a " + algorithm + " digest");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string hexDigest(const std::string& data, const std::string& algorithm) {
  return hexEncode(rawDigest(data, algorithm));
}

std::string replaceAll(std::string text, std::string_view what, std::string_view with) {
  if (what.empty()) return text;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
  return text;
}

std::string textOf(const Json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

long long integerOf(const Json& o, const char* key) {
  const auto it = o.find(key);
  if (it != o.end() && it->is_number_integer()) return it->get<long long>();
  if (it != o.end() && it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return 0;
}

// What Cloudinary said went wrong: {"error": {"message": "..."}}.
std::string errorMessageOf(const Json& body) {
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const std::string message = textOf(body["error"], "message");
    if (!message.empty()) return message;
  }
  return "no message";
}

std::string mediaTypeOf(const std::string& format) {
  if (format == "jpg" || format == "jpeg") return "image/jpeg";
  if (format == "png" || format == "webp") return "image/" + format;
  return "application/octet-stream";
}

std::string lastSegment(const std::string& path) {
  const auto slash = path.rfind('/');
  return path.substr(slash == std::string::npos ? 0 : slash + 1);
}

}  // namespace

std::string cloudinarySignature(const CloudinaryParams& params, const std::string& apiSecret,
                                const std::string& algorithm) {
  CloudinaryParams sorted;
  for (const auto& [key, value] : params)
    if (!value.empty()) sorted.emplace_back(key, value);
  std::sort(sorted.begin(), sorted.end());
  std::string toSign;
  for (const auto& [key, value] : sorted) {
    if (!toSign.empty()) toSign += '&';
    // Cloudinary's SDKs escape only '&': it would otherwise split the pair.
    toSign += key + "=" + replaceAll(value, "&", "%26");
  }
  return hexDigest(toSign + apiSecret, algorithm);
}

std::string fitTransformation(int size) {
  const std::string n = std::to_string(size);
  return "c_fit,h_" + n + ",w_" + n;
}

std::string eagerTransformations(const std::vector<int>& sizes) {
  std::string eager;
  for (const int size : sizes) {
    if (!eager.empty()) eager += '|';
    eager += fitTransformation(size);
  }
  return eager;
}

std::string cloudinaryUrlSignature(const std::string& toSign, const std::string& apiSecret) {
  return "s--" + base64UrlEncode(rawDigest(toSign + apiSecret, "sha1")).substr(0, 8) + "--";
}

std::string cloudinaryDeliveryUrl(const std::string& deliveryBaseUrl, const std::string& cloudName,
                                  const std::string& transformation, long long version,
                                  const std::string& publicId, const std::string& format) {
  std::string url = deliveryBaseUrl + "/" + cloudName + "/image/upload/";
  if (!transformation.empty()) url += transformation + "/";
  if (version > 0) url += std::string("v").append(std::to_string(version)) + "/";
  return url + publicId + "." + format;
}

CloudinaryClient::CloudinaryClient(CloudinarySettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  digestOf(settings_.signatureAlgorithm);
}

std::string CloudinaryClient::endpoint(const std::string& action, const std::string& resourceType) const {
  return settings_.apiBaseUrl + "/v1_1/" + settings_.cloudName + "/" + resourceType + "/" + action;
}

std::string CloudinaryClient::sign(const CloudinaryParams& params) const {
  return cloudinarySignature(params, settings_.apiSecret, settings_.signatureAlgorithm);
}

long long CloudinaryClient::nowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

Json CloudinaryClient::post(const std::string& action, CloudinaryParams params, const UploadFile* file,
                            const std::string& resourceType) const {
  // `params` are what Cloudinary signs: api_key, signature and file are not.
  const std::string signature = sign(params);
  Poco::Net::HTMLForm form(Poco::Net::HTMLForm::ENCODING_MULTIPART);
  for (const auto& [key, value] : params)
    if (!value.empty()) form.set(key, value);
  form.set("api_key", settings_.apiKey);
  form.set("signature", signature);
  if (file != nullptr)
    form.addPart("file", new Poco::Net::StringPartSource(std::string(file->bytes), file->mediaType, file->name));
  const std::string boundary = Poco::Net::MultipartWriter::createBoundary();
  std::ostringstream body;
  form.write(body, boundary);

  HttpReply http;
  try {
    // "Expect:" sends the body at once instead of waiting for a 100 Continue.
    http = httpRequest(
        "POST", endpoint(action, resourceType),
        {"Content-Type: multipart/form-data; boundary=" + boundary, "Accept: application/json", "Expect:"},
        body.str(), settings_.timeout);
  } catch (const std::runtime_error& e) {
    throw MediaProviderError(true, std::string("cloudinary ") + e.what());
  }
  Json reply = Json::parse(http.body, nullptr, false);
  if (http.status == 200 && reply.is_object()) return reply;

  // Cloudinary's "Invalid Signature" message quotes the signature it got.
  const std::string message = replaceAll(replaceAll(errorMessageOf(reply), signature, "[signature]"),
                                         settings_.apiSecret, "[secret]");
  const std::string status = "HTTP " + std::to_string(http.status);
  const bool refused = http.status >= 400 && http.status < 500 && http.status != 420 && http.status != 429 &&
                       reply.is_object();
  if (refused)
    throw MediaProviderError(false, "cloudinary refused the " + action + " (" + status + "): " + message);
  throw MediaProviderError(true, "cloudinary " + action + " failed (" + status +
                                     "): " + (reply.is_object() ? message : "the answer is not JSON"));
}

long long CloudinaryClient::checkStored(const Json& body, const std::string& publicId) const {
  // Cloudinary signs its answer: public_id and version, with the secret.
  const std::string stored = textOf(body, "public_id");
  const long long version = integerOf(body, "version");
  const std::string expected = sign({{"public_id", stored}, {"version", textOf(body, "version")}});
  if (stored.empty() || version <= 0 || !constantTimeEquals(textOf(body, "signature"), expected))
    throw MediaProviderError(false, "cloudinary's answer for " + publicId + " does not carry a valid signature");
  if (stored != publicId) throw MediaProviderError(false, "cloudinary stored " + stored + " instead of " + publicId);
  return version;
}

StoredImage CloudinaryClient::store(const ImageToStore& image) {
  const UploadFile file{image.bytes, mediaTypeOf(image.format), lastSegment(image.publicId) + "." + image.format};
  const Json body = post("upload",
                         {{"public_id", image.publicId},
                          {"overwrite", "false"},
                          {"eager", eagerTransformations(settings_.thumbnailSizes)},
                          {"timestamp", std::to_string(nowSeconds())}},
                         &file);
  if (body.contains("existing") && body["existing"] == true)
    throw MediaProviderError(
        false, "cloudinary already holds " + image.publicId + " (an image is never overwritten)");
  const long long version = checkStored(body, image.publicId);
  const std::string& publicId = image.publicId;

  const std::string format = body.contains("format") ? textOf(body, "format") : image.format;
  auto urlOf = [&](const Json& entry, const std::string& transformation) {
    const std::string secure = textOf(entry, "secure_url");
    return secure.empty() ? cloudinaryDeliveryUrl(settings_.deliveryBaseUrl, settings_.cloudName,
                                                  transformation, version, publicId, format)
                          : secure;
  };

  StoredImage stored;
  stored.url = urlOf(body, "");
  const Json noEager = Json::array();
  const Json& eager = body.contains("eager") && body["eager"].is_array() ? body["eager"] : noEager;
  for (const int size : settings_.thumbnailSizes) {
    const std::string transformation = fitTransformation(size);
    const auto derived = std::find_if(eager.begin(), eager.end(), [&](const Json& e) {
      return e.is_object() && textOf(e, "transformation") == transformation;
    });
    stored.thumbnails.push_back(
        {size, size, urlOf(derived == eager.end() ? Json::object() : *derived, transformation)});
  }
  stored.extra = {{"version", version},
                  {"assetId", textOf(body, "asset_id")},
                  {"bytes", integerOf(body, "bytes")},
                  {"etag", textOf(body, "etag")}};
  return stored;
}

void CloudinaryClient::remove(const std::string& publicId, const std::string& format) {
  // invalidate: the CDN drops its cached copies too.
  const Json body =
      post("destroy",
           {{"public_id", publicId}, {"invalidate", "true"}, {"timestamp", std::to_string(nowSeconds())}},
           nullptr);
  const std::string result = textOf(body, "result");
  if (result != "ok" && result != "not found")
    throw MediaProviderError(true, "cloudinary destroy of " + publicId + " answered '" + result + "'");
}

void CloudinaryClient::keepPrivate(const std::string& key, std::string_view bytes) {
  // A raw file's public id keeps its extension. Authenticated: delivered
  // only through URLs signed with the api_secret.
  const UploadFile file{bytes, "application/octet-stream", lastSegment(key)};
  const Json body = post("upload",
                         {{"public_id", key},
                          {"type", "authenticated"},
                          {"overwrite", "true"},
                          {"invalidate", "true"},
                          {"timestamp", std::to_string(nowSeconds())}},
                         &file, "raw");
  checkStored(body, key);
}

std::string CloudinaryClient::privateUrl(const std::string& key) const {
  return settings_.deliveryBaseUrl + "/" + settings_.cloudName + "/raw/authenticated/" +
         cloudinaryUrlSignature(key, settings_.apiSecret) + "/" + key;
}

std::optional<std::string> CloudinaryClient::readPrivate(const std::string& key) {
  HttpReply http;
  try {
    http = httpRequest("GET", privateUrl(key), {}, "", settings_.timeout);
  } catch (const std::runtime_error& e) {
    // The message names the URL's path: its signature opens the document.
    throw MediaProviderError(true, "cloudinary " + replaceAll(e.what(), cloudinaryUrlSignature(key, settings_.apiSecret),
                                                               "s--[signature]--"));
  }
  if (http.status == 200) return std::move(http.body);
  if (http.status == 404) return std::nullopt;
  throw MediaProviderError(true, "cloudinary delivery of " + key + " answered HTTP " + std::to_string(http.status));
}

Json CloudinaryClient::directUpload(const std::string& folder, const std::string& uploader,
                                    long long nowSeconds) {
  // The browser must send exactly these signed parameters (plus file and
  // api_key): it can neither pick a public id nor overwrite.
  const std::string eager = eagerTransformations(settings_.thumbnailSizes);
  const std::string signature =
      sign({{"timestamp", std::to_string(nowSeconds)}, {"folder", folder}, {"eager", eager}});
  return {{"uploadUrl", endpoint("upload")},
          {"apiKey", settings_.apiKey},
          {"timestamp", nowSeconds},
          {"signature", signature},
          {"folder", folder},
          {"cloudName", settings_.cloudName},
          {"eager", eager}};
}

}  // namespace agape::media
