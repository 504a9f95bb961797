#include "support/fake_cloudinary.h"

#include <sstream>

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

namespace agape::test {
namespace {

using Json = nlohmann::json;
using Fields = std::map<std::string, std::string>;

testing::LoopbackReply error(int status, const std::string& message) {
  return {status, {{"error", {{"message", message}}}}};
}

std::string hexOf(Poco::DigestEngine&& engine, const std::string& data) {
  engine.update(data);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string md5Hex(const std::string& data) { return hexOf(Poco::MD5Engine(), data); }

// The file parts (those with a filename); HTMLForm keeps the other fields.
class FileParts final : public Poco::Net::PartHandler {
 public:
  Fields files;
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition;
    Poco::Net::NameValueCollection parameters;
    Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, parameters);
    Poco::StreamCopier::copyToString(stream, files[parameters.get("name", "")]);
  }
};

// The body's fields, a file part's bytes under its name; throws
// Poco::Exception for a body that is not a form.
Fields fieldsOf(const testing::LoopbackRequest& request) {
  Poco::Net::HTTPRequest head(request.method, request.uri);
  for (const auto& [name, value] : request.headers) head.set(name, value);
  std::istringstream body(request.body);
  FileParts parts;
  Poco::Net::HTMLForm form;
  form.load(head, body, parts);
  Fields fields(form.begin(), form.end());
  fields.merge(parts.files);
  return fields;
}

// What the file is, from its first bytes, as Cloudinary detects it.
std::string formatOf(const std::string& bytes) {
  if (bytes.rfind("\xFF\xD8\xFF", 0) == 0) return "jpg";
  if (bytes.rfind("\x89PNG\r\n\x1A\n", 0) == 0) return "png";
  if (bytes.rfind("GIF87a", 0) == 0 || bytes.rfind("GIF89a", 0) == 0) return "gif";
  if (bytes.size() >= 12 && bytes.rfind("RIFF", 0) == 0 && bytes.compare(8, 4, "WEBP") == 0) return "webp";
  return {};
}

// The N of `<prefix>N` among a transformation's comma-separated parts.
int boxSide(const std::string& transformation, const std::string& prefix) {
  std::istringstream parts(transformation);
  for (std::string part; std::getline(parts, part, ',');)
    if (part.rfind(prefix, 0) == 0) {
      try {
        return std::stoi(part.substr(prefix.size()));
      } catch (const std::exception&) {
      }
    }
  return 0;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, separator);)
    if (!item.empty()) out.push_back(item);
  return out;
}

bool isTrue(const Fields& fields, const std::string& name) {
  const auto it = fields.find(name);
  return it != fields.end() && (it->second == "true" || it->second == "1");
}

std::string field(const Fields& fields, const std::string& name) {
  const auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

}  // namespace

FakeCloudinary::FakeCloudinary(std::string cloudName, std::string apiKey, std::string apiSecret,
                               std::string signatureAlgorithm)
    : cloudName_(std::move(cloudName)),
      apiKey_(std::move(apiKey)),
      apiSecret_(std::move(apiSecret)),
      algorithm_(std::move(signatureAlgorithm)),
      server_(std::make_unique<testing::LoopbackHttpServer>([this](const testing::LoopbackRequest& r) { return handle(r); })) {}

FakeCloudinary::~FakeCloudinary() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  stopping_.notify_all();  // delayed answers go out now
  server_.reset();
}

std::string FakeCloudinary::url() const { return server_->url(); }

void FakeCloudinary::setKnobs(std::initializer_list<std::pair<int*, int>> knobs) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [knob, value] : knobs) *knob = value;
}

void FakeCloudinary::failNext(int n) { setKnobs({{&failNext_, n}}); }

void FakeCloudinary::rateLimitNext(int n) { setKnobs({{&rateLimitNext_, n}}); }

void FakeCloudinary::refuseNext(int n) { setKnobs({{&refuseNext_, n}}); }

void FakeCloudinary::delayNext(int n, std::chrono::milliseconds delay) {
  setKnobs({{&delayNext_, n}, {&delayMs_, static_cast<int>(delay.count())}});
}

void FakeCloudinary::reportImageSize(int width, int height) {
  setKnobs({{&reportedWidth_, width}, {&reportedHeight_, height}});
}

std::vector<FakeCloudinary::Asset> FakeCloudinary::assets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Asset> out;
  for (const auto& [id, stored] : assets_) out.push_back(stored.asset);
  return out;
}

int FakeCloudinary::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::map<std::string, std::string> FakeCloudinary::lastFields() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastFields_;
}

bool FakeCloudinary::lastRequestHad(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastFields_.count(name) > 0;
}

std::string FakeCloudinary::digestHex(const std::string& data) const {
  if (algorithm_ == "sha256") return hexOf(Poco::SHA2Engine(Poco::SHA2Engine::SHA_256), data);
  return hexOf(Poco::SHA1Engine(), data);
}

testing::LoopbackReply FakeCloudinary::handle(const testing::LoopbackRequest& request) {
  Fields fields;
  bool isForm = true;
  try {
    fields = fieldsOf(request);
  } catch (const Poco::Exception&) {
    isForm = false;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  ++requests_;
  lastFields_ = fields;
  if (delayNext_ > 0) {
    --delayNext_;
    stopping_.wait_for(lock, std::chrono::milliseconds(delayMs_), [this] { return stopped_; });
  }
  if (failNext_ > 0) {
    --failNext_;
    return error(503, "Internal Server Error");
  }
  if (rateLimitNext_ > 0) {
    --rateLimitNext_;
    return error(420, "Rate Limit Exceeded");
  }
  if (request.method == "GET") return deliver(request.uri);
  // /v1_1/<cloud>/<resource type>/<action>
  const std::string prefix = "/v1_1/" + cloudName_ + "/";
  const std::vector<std::string> path =
      request.uri.rfind(prefix, 0) == 0 ? split(request.uri.substr(prefix.size()), '/') : std::vector<std::string>{};
  const bool known = path.size() == 2 && (path[0] == "image" || path[0] == "raw") &&
                     (path[1] == "upload" || path[1] == "destroy");
  if (request.method != "POST" || !known) return error(404, "Resource not found - " + request.uri);
  const std::string& resourceType = path[0];
  const std::string& action = path[1];
  if (!isForm) return error(400, "Invalid request body");

  if (!fields.count("api_key")) return error(401, "Must supply api_key");
  if (fields.at("api_key") != apiKey_) return error(401, "Unknown API key " + fields.at("api_key"));
  if (!fields.count("signature")) return error(401, "Must supply signature");
  long long timestamp = 0;
  try {
    timestamp = std::stoll(field(fields, "timestamp"));
  } catch (const std::exception&) {
    return error(400, "Missing required parameter - timestamp");
  }
  // Signed: every field but these, empty ones dropped, sorted by name (the map).
  std::string toSign;
  for (const auto& [name, value] : fields) {
    if (value.empty() || name == "file" || name == "cloud_name" || name == "resource_type" ||
        name == "api_key" || name == "signature")
      continue;
    std::string escaped;
    for (const char c : value) escaped += c == '&' ? std::string("%26") : std::string(1, c);
    toSign += (toSign.empty() ? "" : "&") + name + "=" + escaped;
  }
  const std::string expected = digestHex(toSign + apiSecret_);
  if (fields.at("signature") != expected)
    return error(401, "Invalid Signature " + fields.at("signature") + ". String to sign - '" + toSign + "'.");
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  if (now - timestamp > 3600)
    return error(400, "Stale request - reported time is " +
                          Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(timestamp),
                                                          "%Y-%m-%d %H:%M:%S +0000") +
                          " which is out of the reported range");
  return action == "upload" ? upload(fields, resourceType, now) : destroy(fields);
}

testing::LoopbackReply FakeCloudinary::deliver(const std::string& uri) {
  // /<cloud>/raw/<type>/[s--SIG--/]<public id>
  const std::string prefix = "/" + cloudName_ + "/raw/";
  if (uri.rfind(prefix, 0) != 0) return error(404, "Resource not found - " + uri);
  std::string rest = uri.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return error(404, "Resource not found - " + uri);
  const std::string type = rest.substr(0, slash);
  rest = rest.substr(slash + 1);
  std::string signature;
  if (rest.rfind("s--", 0) == 0) {
    const auto end = rest.find("--/", 3);
    if (end == std::string::npos) return error(404, "Resource not found - " + uri);
    signature = rest.substr(3, end - 3);
    rest = rest.substr(end + 3);
  }
  const std::string& publicId = rest;
  if (type == "authenticated") {
    Poco::SHA1Engine sha1;
    sha1.update(publicId + apiSecret_);
    const auto digest = sha1.digest();
    std::ostringstream encoded;
    Poco::Base64Encoder base64(encoded, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    base64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    base64.close();
    if (signature != encoded.str().substr(0, 8)) return {401, {{"error", {{"message", "Unauthorized"}}}}};
  }
  const auto it = assets_.find(publicId);
  if (it == assets_.end() || it->second.asset.resourceType != "raw" || it->second.asset.type != type)
    return error(404, "Resource not found - " + uri);
  return {.status = 200, .contentType = "application/octet-stream", .bytes = it->second.content};
}

testing::LoopbackReply FakeCloudinary::upload(const Fields& fields, const std::string& resourceType, long long now) {
  if (!fields.count("file")) return error(400, "Missing required parameter - file");
  const std::string& bytes = fields.at("file");
  const bool raw = resourceType == "raw";
  const std::string format = raw ? "" : formatOf(bytes);
  if ((!raw && format.empty()) || refuseNext_ > 0) {
    if (refuseNext_ > 0) --refuseNext_;
    return error(400, "Invalid image file");
  }
  // Fixed folders: `folder` prefixes the public id (a random one when none is sent).
  std::string publicId = field(fields, "public_id");
  if (publicId.empty()) publicId = md5Hex("generated " + std::to_string(++generatedIds_)).substr(0, 20);
  if (const std::string folder = field(fields, "folder"); !folder.empty()) publicId = folder + "/" + publicId;

  const auto existing = assets_.find(publicId);
  // Signed uploads overwrite unless told not to.
  if (existing != assets_.end() && field(fields, "overwrite") == "false") {
    Json answer = answerFor(existing->second);
    answer["existing"] = true;
    return {200, answer};
  }
  Stored stored;
  stored.asset = {publicId, format, bytes.size(), now, split(field(fields, "eager"), '|'), resourceType,
                  field(fields, "type").empty() ? "upload" : field(fields, "type")};
  if (raw) stored.content = bytes;
  if (existing != assets_.end() && existing->second.asset.version >= now)
    stored.asset.version = existing->second.asset.version + 1;
  stored.assetId = md5Hex("asset " + publicId);
  stored.etag = md5Hex(bytes);
  stored.width = reportedWidth_;
  stored.height = reportedHeight_;
  assets_[publicId] = stored;
  Json answer = answerFor(stored);
  // eager_async: the transformations are made later, not listed now.
  if (isTrue(fields, "eager_async")) answer.erase("eager");
  return {200, answer};
}

testing::LoopbackReply FakeCloudinary::destroy(const Fields& fields) {
  const std::string publicId = field(fields, "public_id");
  if (publicId.empty()) return error(400, "Missing required parameter - public_id");
  return {200, {{"result", assets_.erase(publicId) > 0 ? "ok" : "not found"}}};
}

Json FakeCloudinary::answerFor(const Stored& stored) const {
  const Asset& a = stored.asset;
  const std::string path = "res.cloudinary.com/" + cloudName_ + "/" + a.resourceType + "/" + a.type + "/";
  const std::string tail = std::string("v").append(std::to_string(a.version)) + "/" + a.publicId +
                           (a.format.empty() ? "" : "." + a.format);
  const auto slash = a.publicId.rfind('/');
  Json answer = {{"asset_id", stored.assetId},
                 {"public_id", a.publicId},
                 {"version", a.version},
                 {"version_id", md5Hex(a.publicId + " " + std::to_string(a.version))},
                 {"signature", digestHex("public_id=" + a.publicId + "&version=" + std::to_string(a.version) +
                                         apiSecret_)},
                 {"width", stored.width},
                 {"height", stored.height},
                 {"format", a.format},
                 {"resource_type", a.resourceType},
                 {"created_at", Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(a.version),
                                                                "%Y-%m-%dT%H:%M:%SZ")},
                 {"tags", Json::array()},
                 {"bytes", a.bytes},
                 {"type", a.type},
                 {"etag", stored.etag},
                 {"placeholder", false},
                 {"url", "http://" + path + tail},
                 {"secure_url", "https://" + path + tail},
                 {"folder", slash == std::string::npos ? "" : a.publicId.substr(0, slash)},
                 {"api_key", apiKey_}};
  Json eager = Json::array();
  for (const auto& t : a.eager)
    eager.push_back({{"transformation", t},
                     {"width", boxSide(t, "w_")},
                     {"height", boxSide(t, "h_")},
                     {"bytes", a.bytes},
                     {"format", a.format},
                     {"url", "http://" + path + t + "/" + tail},
                     {"secure_url", "https://" + path + t + "/" + tail}});
  if (!eager.empty()) answer["eager"] = eager;
  return answer;
}

}  // namespace agape::test
