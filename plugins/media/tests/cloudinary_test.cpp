// The Cloudinary provider: its signatures against Cloudinary's published
// vectors, the URLs it builds, and the client against a fake Cloudinary on
// loopback that checks every signature the way Cloudinary does.
#include <gtest/gtest.h>

#include <sstream>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MultipartWriter.h>
#include <Poco/Net/StringPartSource.h>

#include <agape/outbound_http.h>
#include <agape/testing/manual_clock.h>

#include "cloudinary.h"
#include "support/fake_cloudinary.h"

namespace agape::media {
namespace {

using namespace std::chrono_literals;

// Cloudinary's documented examples (secret "abcd", api_key 1234 not signed).
const CloudinaryParams kOfficialParams = {{"eager", "w_400,h_300,c_pad|w_260,h_200,c_crop"},
                                          {"public_id", "sample_image"},
                                          {"timestamp", "1315060510"}};
const std::string kOtherSecret = "hdcixPpR2iKERPwqvH6sHdK9cyac";
const CloudinaryParams kCloudNameParams = {
    {"cloud_name", "dn6ot3ged"}, {"timestamp", "1568810420"}, {"username", "user@cloudinary.com"}};

TEST(CloudinarySignature, OfficialExampleSha1) {
  EXPECT_EQ(cloudinarySignature(kOfficialParams, "abcd", "sha1"), "bfd09f95f331f558cbd1320e67aa8d488770583e");
}

TEST(CloudinarySignature, OfficialExampleSha256) {
  EXPECT_EQ(cloudinarySignature(kOfficialParams, "abcd", "sha256"),
            "cc927e1290f9e3ae4c1a741eda21a4630b4ce80f9ce0bc0296337d25cf40f91e");
}

TEST(CloudinarySignature, PublicIdAndTimestampSha1) {
  EXPECT_EQ(cloudinarySignature({{"public_id", "sample_image"}, {"timestamp", "1315060510"}}, "abcd", "sha1"),
            "b4ad47fb4e25c7bf5f92a20089f9db59bc302313");
}

TEST(CloudinarySignature, SignsExactlyWhatItIsGivenSha1) {
  EXPECT_EQ(cloudinarySignature(kCloudNameParams, kOtherSecret, "sha1"),
            "14c00ba6d0dfdedbc86b316847d95b9e6cd46d94");
}

TEST(CloudinarySignature, SignsExactlyWhatItIsGivenSha256) {
  EXPECT_EQ(cloudinarySignature(kCloudNameParams, kOtherSecret, "sha256"),
            "45ddaa4fa01f0c2826f32f669d2e4514faf275fe6df053f1a150e7beae58a3bd");
}

TEST(CloudinarySignature, AmpersandInsideAValueIsEscaped) {
  const CloudinaryParams params = {{"cloud_name", "dn6ot3ged"},
                                   {"timestamp", "1568810420"},
                                   {"notification_url", "https://fake.com/callback?a=1&tags=hello,world"}};
  EXPECT_EQ(cloudinarySignature(params, kOtherSecret, "sha1"), "4fdf465dd89451cc1ed8ec5b3e314e8a51695704");
}

TEST(CloudinarySignature, SortsTheParametersAndDropsEmptyOnes) {
  const CloudinaryParams shuffled = {{"timestamp", "1315060510"},
                                     {"folder", ""},
                                     {"public_id", "sample_image"},
                                     {"eager", kOfficialParams[0].second}};
  EXPECT_EQ(cloudinarySignature(shuffled, "abcd", "sha1"), "bfd09f95f331f558cbd1320e67aa8d488770583e");
}

TEST(CloudinarySignature, OfAnUploadAnswer) {
  EXPECT_EQ(cloudinarySignature({{"public_id", "sample"}, {"version", "1315060510"}}, "abcd", "sha1"),
            "912d90b6fe28aa6820cf928bc440a65a0f36e002");
}

TEST(CloudinarySignature, UnknownAlgorithmIsRefused) {
  EXPECT_THROW(cloudinarySignature(kOfficialParams, "abcd", "md5"), std::invalid_argument);
}

// The SDKs' signed-URL tests (cloud test123, api_secret "b"): the version
// is not signed, a transformation is.
TEST(CloudinaryUrlSignature, SdkExamples) {
  EXPECT_EQ(cloudinaryUrlSignature("image.jpg", "b"), "s----SjmNDA--");
  EXPECT_EQ(cloudinaryUrlSignature("c_crop,h_20,w_10/image.jpg", "b"), "s--Ai4Znfl3--");
}

TEST(CloudinaryTransformations, OneFitBoxPerThumbnailSize) {
  EXPECT_EQ(fitTransformation(400), "c_fit,h_400,w_400");
  EXPECT_EQ(eagerTransformations({400, 800}), "c_fit,h_400,w_400|c_fit,h_800,w_800");
  EXPECT_EQ(eagerTransformations({}), "");
}

TEST(CloudinaryDeliveryUrl, WithTransformationAndVersion) {
  EXPECT_EQ(cloudinaryDeliveryUrl("https://res.cloudinary.com", "demo", "c_fill,h_300,w_300", 1719307544,
                                  "products/abc", "jpg"),
            "https://res.cloudinary.com/demo/image/upload/c_fill,h_300,w_300/v1719307544/products/abc.jpg");
}

TEST(CloudinaryDeliveryUrl, WithoutTransformationOrVersion) {
  EXPECT_EQ(
      cloudinaryDeliveryUrl("https://res.cloudinary.com", "demo", "", 1719307544, "products/abc", "png"),
      "https://res.cloudinary.com/demo/image/upload/v1719307544/products/abc.png");
  EXPECT_EQ(cloudinaryDeliveryUrl("https://cdn.example.com", "demo", "c_fit,h_400,w_400", 0, "abc", "webp"),
            "https://cdn.example.com/demo/image/upload/c_fit,h_400,w_400/abc.webp");
}

// A JPEG's magic, then bytes a careless multipart writer would mangle.
std::string jpegBytes() {
  std::string bytes("\xFF\xD8\xFF\xE0", 4);
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>(i % 256);
  return bytes + "\r\n--boundary\r\n";
}

long long nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// POSTs `fields` and a file as a browser's FormData would.
HttpReply postForm(const std::string& url, const std::map<std::string, std::string>& fields,
                   const std::string& file) {
  Poco::Net::HTMLForm form(Poco::Net::HTMLForm::ENCODING_MULTIPART);
  for (const auto& [name, value] : fields) form.set(name, value);
  form.addPart("file", new Poco::Net::StringPartSource(file, "image/jpeg", "photo.jpg"));
  const std::string boundary = Poco::Net::MultipartWriter::createBoundary();
  std::ostringstream body;
  form.write(body, boundary);
  return httpRequest("POST", url, {"Content-Type: multipart/form-data; boundary=" + boundary}, body.str(),
                     5s);
}

// What a browser sends with the file, from GET /v1/media/upload-url's answer.
std::map<std::string, std::string> browserFields(const Json& direct) {
  return {{"api_key", direct["apiKey"].get<std::string>()},
          {"timestamp", std::to_string(direct["timestamp"].get<long long>())},
          {"signature", direct["signature"].get<std::string>()},
          {"folder", direct["folder"].get<std::string>()},
          {"eager", direct["eager"].get<std::string>()}};
}

class CloudinaryClientTest : public ::testing::Test {
 protected:
  CloudinarySettings settings(const std::string& secret = "s3cr3t-api-secret") const {
    CloudinarySettings s;
    s.cloudName = "demo";
    s.apiKey = "614335564976464";
    s.apiSecret = secret;
    s.apiBaseUrl = fake_.url();
    s.timeout = 5s;
    s.thumbnailSizes = {400, 800};
    return s;
  }
  CloudinaryClient clientAt(const std::string& apiBaseUrl) const {
    CloudinarySettings s = settings();
    s.apiBaseUrl = apiBaseUrl;
    return CloudinaryClient(s, clock_);
  }
  MediaProviderError storeFails(CloudinaryClient& client, const std::string& publicId = "products/abc") {
    try {
      client.store({publicId, image_, "jpg", 1920, 1441});
    } catch (const MediaProviderError& e) {
      return e;
    }
    ADD_FAILURE() << "store succeeded";
    return MediaProviderError(false, "");
  }

  test::FakeCloudinary fake_{"demo", "614335564976464", "s3cr3t-api-secret"};
  agape::testing::ManualClock clock_{std::chrono::system_clock::now()};
  CloudinaryClient client_{settings(), clock_};
  const std::string image_ = jpegBytes();
};

TEST_F(CloudinaryClientTest, StoresTheImageAndItsThumbnails) {
  const StoredImage stored = client_.store({"products/0193ab", image_, "jpg", 1920, 1441});

  const auto assets = fake_.assets();
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets[0].publicId, "products/0193ab");
  EXPECT_EQ(assets[0].format, "jpg");
  EXPECT_EQ(assets[0].bytes, image_.size());
  EXPECT_EQ(assets[0].eager, (std::vector<std::string>{"c_fit,h_400,w_400", "c_fit,h_800,w_800"}));
  const auto fields = fake_.lastFields();
  EXPECT_EQ(fields.at("file"), image_);
  EXPECT_EQ(fields.at("overwrite"), "false");
  EXPECT_EQ(fields.at("eager"), "c_fit,h_400,w_400|c_fit,h_800,w_800");
  EXPECT_FALSE(fake_.lastRequestHad("eager_async"));
  EXPECT_FALSE(fake_.lastRequestHad("folder"));  // the public id holds it

  const std::string version = std::to_string(assets[0].version);
  EXPECT_EQ(stored.url, "https://res.cloudinary.com/demo/image/upload/v" + version + "/products/0193ab.jpg");
  ASSERT_EQ(stored.thumbnails.size(), 2u);
  EXPECT_EQ(stored.thumbnails[0].width, 400);
  EXPECT_EQ(stored.thumbnails[0].height, 400);
  EXPECT_EQ(stored.thumbnails[0].url, "https://res.cloudinary.com/demo/image/upload/c_fit,h_400,w_400/v" +
                                          version + "/products/0193ab.jpg");
  EXPECT_EQ(stored.thumbnails[1].width, 800);
  EXPECT_EQ(stored.thumbnails[1].url, "https://res.cloudinary.com/demo/image/upload/c_fit,h_800,w_800/v" +
                                          version + "/products/0193ab.jpg");
  EXPECT_EQ(stored.extra["version"], assets[0].version);
  EXPECT_EQ(stored.extra["bytes"], image_.size());
  EXPECT_FALSE(stored.extra["assetId"].get<std::string>().empty());
  EXPECT_FALSE(stored.extra["etag"].get<std::string>().empty());
}

TEST_F(CloudinaryClientTest, KeepsAPrivateDocumentAndReadsItBackOnlyThroughASignedUrl) {
  CloudinarySettings delivered = settings();
  delivered.deliveryBaseUrl = fake_.url();  // the fake is also the CDN
  CloudinaryClient client(delivered, clock_);
  const std::string pdf("%PDF-1.4 an invoice\n\x00\xFF binary", 29);  // bytes, a NUL among them
  client.keepPrivate("invoices/0193ab.pdf", pdf);
  const auto assets = fake_.assets();
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets[0].publicId, "invoices/0193ab.pdf");  // a raw file keeps its extension
  EXPECT_EQ(assets[0].resourceType, "raw");
  EXPECT_EQ(assets[0].type, "authenticated");
  EXPECT_EQ(client.readPrivate("invoices/0193ab.pdf"), pdf);
  EXPECT_EQ(client.readPrivate("invoices/none.pdf"), std::nullopt);

  // Kept again: replaced, not refused.
  client.keepPrivate("invoices/0193ab.pdf", "second");
  EXPECT_EQ(client.readPrivate("invoices/0193ab.pdf"), "second");

  // Not without the signature, nor with another secret's.
  const std::string base = fake_.url() + "/demo/raw/authenticated/";
  EXPECT_EQ(httpRequest("GET", base + "invoices/0193ab.pdf", {}, "", 5s).status, 401);
  EXPECT_EQ(httpRequest("GET", base + cloudinaryUrlSignature("invoices/0193ab.pdf", "other") + "/invoices/0193ab.pdf",
                        {}, "", 5s)
                .status,
            401);
  EXPECT_EQ(client.privateUrl("invoices/0193ab.pdf"),
            base + cloudinaryUrlSignature("invoices/0193ab.pdf", "s3cr3t-api-secret") + "/invoices/0193ab.pdf");

  // The provider away: an error, never "no document".
  fake_.failNext(1);
  EXPECT_THROW(client.readPrivate("invoices/0193ab.pdf"), MediaProviderError);
  // Unreachable: the message does not carry the URL's signature.
  CloudinarySettings gone = delivered;
  gone.deliveryBaseUrl = "http://127.0.0.1:1";
  try {
    CloudinaryClient(gone, clock_).readPrivate("invoices/0193ab.pdf");
    ADD_FAILURE() << "read from a closed port";
  } catch (const MediaProviderError& e) {
    EXPECT_TRUE(e.unavailable());
    EXPECT_EQ(std::string(e.what()).find(cloudinaryUrlSignature("invoices/0193ab.pdf", "s3cr3t-api-secret")),
              std::string::npos)
        << e.what();
  }
}

TEST_F(CloudinaryClientTest, SignsWithSha256WhenTheAccountDoes) {
  test::FakeCloudinary fake("demo", "614335564976464", "s3cr3t-api-secret", "sha256");
  CloudinarySettings s = settings();
  s.apiBaseUrl = fake.url();
  s.signatureAlgorithm = "sha256";
  CloudinaryClient client(s, clock_);
  EXPECT_NO_THROW(client.store({"products/abc", image_, "jpg", 1920, 1441}));
  EXPECT_EQ(fake.assets().size(), 1u);

  s.signatureAlgorithm = "sha1";  // not what the account checks
  CloudinaryClient sha1Client(s, clock_);
  EXPECT_FALSE(storeFails(sha1Client, "products/def").unavailable());
}

TEST_F(CloudinaryClientTest, NeverOverwritesAnExistingPublicId) {
  client_.store({"products/abc", image_, "jpg", 1920, 1441});
  const long long version = fake_.assets().at(0).version;
  clock_.advance(5s);

  const MediaProviderError e = storeFails(client_);
  EXPECT_FALSE(e.unavailable());
  EXPECT_NE(std::string(e.what()).find("products/abc"), std::string::npos) << e.what();
  ASSERT_EQ(fake_.assets().size(), 1u);
  EXPECT_EQ(fake_.assets()[0].version, version);
}

TEST_F(CloudinaryClientTest, RemovesAndRemovingAgainIsFine) {
  client_.store({"products/abc", image_, "jpg", 1920, 1441});
  client_.remove("products/abc", "jpg");
  EXPECT_TRUE(fake_.assets().empty());
  EXPECT_EQ(fake_.lastFields().at("invalidate"), "true");
  EXPECT_EQ(fake_.lastFields().at("public_id"), "products/abc");
  EXPECT_NO_THROW(client_.remove("products/abc", "jpg"));
}

TEST_F(CloudinaryClientTest, ProviderDownIsUnavailable) {
  fake_.failNext(1);
  const MediaProviderError e = storeFails(client_);
  EXPECT_TRUE(e.unavailable());
  EXPECT_NE(std::string(e.what()).find("503"), std::string::npos) << e.what();
  EXPECT_NO_THROW(client_.store({"products/abc", image_, "jpg", 1920, 1441}));  // once it is back

  fake_.failNext(1);
  try {
    client_.remove("products/abc", "jpg");
    ADD_FAILURE() << "remove succeeded";
  } catch (const MediaProviderError& removal) {
    EXPECT_TRUE(removal.unavailable());
  }
}

TEST_F(CloudinaryClientTest, RateLimitIsUnavailable) {
  fake_.rateLimitNext(1);
  EXPECT_TRUE(storeFails(client_).unavailable());
}

TEST_F(CloudinaryClientTest, AnInvalidImageIsRefused) {
  fake_.refuseNext(1);
  const MediaProviderError e = storeFails(client_);
  EXPECT_FALSE(e.unavailable());
  EXPECT_NE(std::string(e.what()).find("Invalid image file"), std::string::npos) << e.what();
  EXPECT_TRUE(fake_.assets().empty());
}

TEST_F(CloudinaryClientTest, AWrongSecretIsRefusedAndNeverQuoted) {
  CloudinaryClient client(settings("not-the-right-secret"), clock_);
  const MediaProviderError e = storeFails(client);
  const std::string message = e.what();
  EXPECT_FALSE(e.unavailable());
  EXPECT_NE(message.find("Invalid Signature [signature]"), std::string::npos) << message;
  EXPECT_EQ(message.find("not-the-right-secret"), std::string::npos) << message;
  EXPECT_EQ(message.find(fake_.lastFields().at("signature")), std::string::npos) << message;
  EXPECT_TRUE(fake_.assets().empty());
}

TEST_F(CloudinaryClientTest, AWrongApiKeyIsRefused) {
  CloudinarySettings s = settings();
  s.apiKey = "1234";
  CloudinaryClient client(s, clock_);
  EXPECT_FALSE(storeFails(client).unavailable());
}

TEST_F(CloudinaryClientTest, AStaleTimestampIsRefused) {
  clock_.advance(-2h);
  const MediaProviderError e = storeFails(client_);
  EXPECT_FALSE(e.unavailable());
  EXPECT_NE(std::string(e.what()).find("Stale request"), std::string::npos) << e.what();
}

TEST_F(CloudinaryClientTest, ATimeoutIsUnavailable) {
  CloudinarySettings s = settings();
  s.timeout = 200ms;
  CloudinaryClient client(s, clock_);
  fake_.delayNext(1, 3s);
  const MediaProviderError e = storeFails(client);
  EXPECT_TRUE(e.unavailable());
  EXPECT_NE(std::string(e.what()).find("Timeout"), std::string::npos) << e.what();
}

TEST_F(CloudinaryClientTest, NoServerIsUnavailable) {
  CloudinaryClient client = clientAt("http://127.0.0.1:1");
  EXPECT_TRUE(storeFails(client).unavailable());
}

// Answers every upload with `answer` (signed when it has a public_id and
// version), or with the given status.
class ScriptedCloudinary {
 public:
  ScriptedCloudinary(int status, Json answer)
      : server_([status, answer](const testing::LoopbackRequest&) {
          return testing::LoopbackReply{status, answer};
        }) {}
  std::string url() const { return server_.url(); }
  static Json signedAnswer(const std::string& publicId, long long version, const std::string& secret) {
    return {{"public_id", publicId},
            {"version", version},
            {"format", "png"},
            {"signature", cloudinarySignature({{"public_id", publicId}, {"version", std::to_string(version)}},
                                              secret, "sha1")}};
  }

 private:
  testing::LoopbackHttpServer server_;
};

TEST_F(CloudinaryClientTest, BuildsTheUrlsTheAnswerLeavesOut) {
  ScriptedCloudinary cloudinary(
      200, ScriptedCloudinary::signedAnswer("products/abc", 1719307544, "s3cr3t-api-secret"));
  CloudinaryClient client = clientAt(cloudinary.url());
  const StoredImage stored = client.store({"products/abc", image_, "png", 1920, 1441});
  EXPECT_EQ(stored.url, "https://res.cloudinary.com/demo/image/upload/v1719307544/products/abc.png");
  ASSERT_EQ(stored.thumbnails.size(), 2u);
  EXPECT_EQ(stored.thumbnails[1].url,
            "https://res.cloudinary.com/demo/image/upload/c_fit,h_800,w_800/v1719307544/products/abc.png");
}

TEST_F(CloudinaryClientTest, AnAnswerWithAWrongSignatureIsRefused) {
  ScriptedCloudinary cloudinary(
      200, ScriptedCloudinary::signedAnswer("products/abc", 1719307544, "another-secret"));
  CloudinaryClient client = clientAt(cloudinary.url());
  EXPECT_FALSE(storeFails(client).unavailable());
}

TEST_F(CloudinaryClientTest, AnAnswerThatIsNotAJsonObjectIsUnavailable) {
  ScriptedCloudinary cloudinary(200, "<html>Bad gateway</html>");
  CloudinaryClient client = clientAt(cloudinary.url());
  EXPECT_TRUE(storeFails(client).unavailable());
}

TEST_F(CloudinaryClientTest, DirectUploadSignsWhatTheBrowserSends) {
  const long long now = nowSeconds();
  const Json direct = client_.directUpload("uploads/u42", "user:42", now);
  EXPECT_EQ(direct["uploadUrl"], fake_.url() + "/v1_1/demo/image/upload");
  EXPECT_EQ(direct["apiKey"], "614335564976464");
  EXPECT_EQ(direct["timestamp"], now);
  EXPECT_EQ(direct["folder"], "uploads/u42");
  EXPECT_EQ(direct["cloudName"], "demo");
  EXPECT_EQ(direct["eager"], "c_fit,h_400,w_400|c_fit,h_800,w_800");
  EXPECT_EQ(direct.dump().find("s3cr3t-api-secret"), std::string::npos);

  std::map<std::string, std::string> fields = browserFields(direct);
  const std::string uploadUrl = direct["uploadUrl"].get<std::string>();
  const HttpReply reply = postForm(uploadUrl, fields, image_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json answer = Json::parse(reply.body);
  const std::string publicId = answer["public_id"];
  EXPECT_EQ(publicId.rfind("uploads/u42/", 0), 0u) << publicId;
  EXPECT_EQ(answer["eager"].size(), 2u);
  ASSERT_EQ(fake_.assets().size(), 1u);

  // The browser can choose nothing the server did not sign.
  fields["public_id"] = "products/abc";
  EXPECT_EQ(postForm(uploadUrl, fields, image_).status, 401);
  fields.erase("public_id");
  fields["folder"] = "products";
  EXPECT_EQ(postForm(uploadUrl, fields, image_).status, 401);
  EXPECT_EQ(fake_.assets().size(), 1u);
}

TEST_F(CloudinaryClientTest, ADirectUploadExpiresAfterAnHour) {
  const long long then = nowSeconds() - 3601;
  const Json direct = client_.directUpload("uploads", "user:42", then);
  const HttpReply reply = postForm(direct["uploadUrl"].get<std::string>(), browserFields(direct), image_);
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("Stale request"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace agape::media
