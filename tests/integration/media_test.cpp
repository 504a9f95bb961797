// The media plugin through the real binary, on SQLite and PostgreSQL, with
// the local provider: an upload checked from its bytes (type, pixels, a
// full decode), stored with its thumbnail and served immutable; every bad
// upload a clear problem leaving nothing behind; roles; deleting (not while
// a product shows it); signed direct uploads that work once; product images
// from the library; the demo catalogue's pictures that load.
#include <gtest/gtest.h>

#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <sqlite3.h>

#include <fstream>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/StringPartSource.h>

#include "image_probe.h"
#include "support/api_test.h"
#include "support/fake_cloudinary.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

// A multipart/form-data body written by Poco (as a browser would send it).
struct Form {
  std::string contentType, body;
};
Form encoded(Poco::Net::HTMLForm& f) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/");
  f.prepareSubmit(request);  // draws the boundary
  std::ostringstream out;
  f.write(out);
  return {"Content-Type: " + request.getContentType(), out.str()};
}
Form form(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& file,
          const std::string& fileName = "dress.jpg") {
  Poco::Net::HTMLForm f(Poco::Net::HTMLForm::ENCODING_MULTIPART);
  for (const auto& [k, v] : fields) f.set(k, v);
  f.addPart("file", new Poco::Net::StringPartSource(file, "image/jpeg", fileName));
  return encoded(f);
}

std::string crcChunk(const std::string& type, const std::string& data) {
  std::string out;
  const auto n = static_cast<std::uint32_t>(data.size());
  for (int s : {24, 16, 8, 0}) out += static_cast<char>((n >> s) & 0xFF);
  const std::string td = type + data;
  const auto crc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(td.data()), static_cast<uInt>(td.size()));
  out += td;
  for (int s : {24, 16, 8, 0}) out += static_cast<char>((crc >> s) & 0xFF);
  return out;
}
// A PNG whose header claims 100000×100000 pixels: a decompression bomb.
std::string bombPng() {
  std::string ihdr;
  for (std::uint32_t v : {100000u, 100000u})
    for (int s : {24, 16, 8, 0}) ihdr += static_cast<char>((v >> s) & 0xFF);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1A\n", 8) + crcChunk("IHDR", ihdr) +
         crcChunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + crcChunk("IEND", "");
}

class MediaServe : public ApiTest {
 protected:
  static void SetUpTestSuite() { media::initImageLibrary(); }
  // `demo`: with the demo plugin, which loads the demo catalogue and its pictures on start.
  void start(const std::string& extra = "", bool demo = false) {
    std::vector<std::string> plugins{"test.tokens", pluginEntry("media"), pluginEntry("catalog")};
    if (demo) plugins.push_back("demo");
    serve(plugins, "catalog:\n  cacheTtl: 0s\n" + extra);
  }
  HttpResult upload(const Form& f, const std::string& who = kMerchant, const std::string& path = "/v1/media/upload") {
    std::vector<std::string> headers{f.contentType};
    if (!who.empty()) headers.push_back(who);
    return client_->request("POST", path, f.body, headers);
  }
  static std::string jpeg(int w = 1200, int h = 900, unsigned a = 0x1F4E9C, unsigned b = 0xD4A017) {
    return media::stripedPicture(a, b, 40, w, h);
  }
  // The local path of a served URL ("http://host/v1/..." → "/v1/...").
  static std::string pathOf(const std::string& url) { return url.substr(url.find("/v1/")); }
  // Files the local provider holds (temporary ones excluded).
  std::size_t filesStored() {
    std::size_t n = 0;
    const auto dir = std::filesystem::path(dir_.path()) / "data" / "media";
    if (!std::filesystem::exists(dir)) return 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file()) ++n;
    return n;
  }
  long long listed() { return ok(get("/v1/media", {kAdmin}))["meta"]["total"].get<long long>(); }
  // One value of a query on the server's database (as text), whichever it is.
  std::string sql(const std::string& query) {
#ifdef AGAPE_WITH_PG
    if (schema_) return schema_->text(query);
#endif
    sqlite3* db = nullptr;
    const std::string file = dir_.path() + "/data/agape.db";
    EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
};

TEST_P(MediaServe, AnUploadIsCheckedStoredWithItsThumbnailAndServedImmutable) {
  start();
  const std::string bytes = jpeg();
  const Json m = ok(upload(form({{"alt", "Blue and gold wrap dress"}, {"folder", "lookbook"}}, bytes)), 201);
  EXPECT_EQ(m["format"], "jpg");
  EXPECT_EQ(m["width"], 1200);
  EXPECT_EQ(m["height"], 900);
  EXPECT_EQ(m["bytes"], bytes.size());
  EXPECT_EQ(m["alt"], "Blue and gold wrap dress");
  EXPECT_EQ(m["uploadedBy"], "u-merchant");
  EXPECT_EQ(m["provider"], "local");
  const std::string publicId = m["publicId"];
  EXPECT_EQ(publicId.rfind("lookbook/", 0), 0u);
  EXPECT_EQ(publicId.find("dress"), std::string::npos) << "the client's file name is never used";

  const HttpResult original = get(pathOf(m["url"]));
  EXPECT_EQ(original.status, 200);
  EXPECT_EQ(original.body, bytes);
  EXPECT_EQ(original.header("content-type"), "image/jpeg");
  EXPECT_EQ(original.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(original.header("x-content-type-options"), "nosniff");
  const std::string etag = original.header("etag");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(get(pathOf(m["url"]), {"If-None-Match: " + etag}).status, 304);

  const HttpResult thumb = get(pathOf(m["thumbnailUrl"]));
  ASSERT_EQ(thumb.status, 200);
  const auto probe = media::probeImage(thumb.body, {});
  ASSERT_TRUE(probe.image);
  EXPECT_EQ(probe.image->width, 400);
  EXPECT_EQ(probe.image->height, 300);
  EXPECT_EQ(m["thumbnails"][0]["url"], m["thumbnailUrl"]);

  const Json list = ok(get("/v1/media?folder=lookbook", {kAdmin}));
  ASSERT_EQ(list["meta"]["total"], 1);
  EXPECT_EQ(list["data"][0]["id"], m["id"]);
  EXPECT_EQ(ok(get("/v1/media/" + m["id"].get<std::string>(), {kMerchant}))["publicId"], publicId);
  EXPECT_NE(get("/v1/media/files/../agape.db").status, 200);
  EXPECT_EQ(get("/v1/media/files/%2e%2e%2fagape.db").status, 404);
}

TEST_P(MediaServe, EveryBadUploadIsAClearProblemAndLeavesNothingBehind) {
  start("media:\n  maxUploadBytes: 256KiB\n");
  const std::string good = jpeg(400, 300);
  const auto problem = [&](const HttpResult& r) { return std::to_string(r.status) + " " + code(r); };
  EXPECT_EQ(problem(upload(form({}, "I am a text file, honest", "x.jpg"))), "415 unsupported_media_type");
  EXPECT_EQ(problem(upload(form({}, "GIF89a\x01\x00\x01\x00", "x.gif"))), "415 unsupported_media_type");
  EXPECT_EQ(problem(upload(form({}, bombPng(), "bomb.png"))), "422 image_too_large");
  EXPECT_EQ(problem(upload(form({}, good.substr(0, good.size() / 2)))), "422 corrupt_image");
  EXPECT_EQ(problem(upload(form({}, ""))), "400 validation_failed");
  EXPECT_EQ(problem(upload(form({}, jpeg(3000, 3000)))), "413 payload_too_large") << "over media.maxUploadBytes";
  const Form ok1 = form({}, good);
  EXPECT_EQ(problem(upload({ok1.contentType, ok1.body.substr(0, ok1.body.size() - 40)})), "400 malformed_multipart") << "truncated";
  EXPECT_EQ(problem(upload({"Content-Type: multipart/form-data", ok1.body})), "400 malformed_multipart") << "no boundary";
  EXPECT_EQ(upload({"Content-Type: application/json", "{}"}).status, 415) << "not multipart";
  Poco::Net::HTMLForm twoFiles(Poco::Net::HTMLForm::ENCODING_MULTIPART);
  twoFiles.addPart("file", new Poco::Net::StringPartSource(good, "image/jpeg", "a.jpg"));
  twoFiles.addPart("file", new Poco::Net::StringPartSource(good, "image/jpeg", "b.jpg"));
  EXPECT_EQ(fields(upload(encoded(twoFiles))), (std::set<std::string>{"file"}));
  EXPECT_EQ(fields(upload(form({{"folder", "../etc"}}, good))), (std::set<std::string>{"folder"}));
  // A body far over every limit is refused while it arrives.
  const HttpResult huge = upload({ok1.contentType, std::string(50u << 20, 'x')});
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(listed(), 0);
  EXPECT_EQ(filesStored(), 0u);
  // And the server still takes a good one.
  EXPECT_EQ(upload(form({}, good)).status, 201);
  EXPECT_EQ(filesStored(), 2u);  // the original and its thumbnail
}

TEST_P(MediaServe, OnlyAdminsAndMerchantsManageMedia) {
  start();
  const Json m = ok(upload(form({}, jpeg(200, 200)), kAdmin), 201);
  const std::string id = m["id"];
  for (const auto& who : {std::string(""), kCustomer, kFulfilment, kFinance}) {
    const int denied = who.empty() ? 401 : 403;
    EXPECT_EQ(upload(form({}, jpeg(200, 200)), who).status, denied) << who;
    std::vector<std::string> h;
    if (!who.empty()) h.push_back(who);
    EXPECT_EQ(get("/v1/media", h).status, denied) << who;
    EXPECT_EQ(get("/v1/media/" + id, h).status, denied) << who;
    EXPECT_EQ(get("/v1/media/upload-url", h).status, denied) << who;
    EXPECT_EQ(client_->request("DELETE", "/v1/media/" + id, "", h).status, denied) << who;
  }
  // The files themselves are public (storefront pictures).
  EXPECT_EQ(get(pathOf(m["url"])).status, 200);
  EXPECT_EQ(listed(), 1);
}

TEST_P(MediaServe, ProductsShowLibraryImagesWhichCannotBeDeletedUnderThem) {
  start();
  const Json m = ok(upload(form({{"alt", "Front"}}, jpeg(800, 1000))), 201);
  const std::string id = m["id"], publicId = m["publicId"];
  const Json cat = ok(send("POST", "/v1/categories", Json{{"name", "Dresses"}, {"slug", "dresses"}}, {kAdmin}), 201);
  const auto product = [&](const Json& images) {
    return send("POST", "/v1/products",
                Json{{"name", "Wrap Dress " + std::to_string(std::rand())}, {"categoryId", cat["id"]}, {"price", 1'500'000},
                     {"images", images}, {"variants", Json::array({{{"sku", "W-" + std::to_string(std::rand())}}})}},
                {kAdmin});
  };
  const Json p = ok(product(Json::array({{{"mediaId", id}}, {{"url", "https://cdn.example.ng/a.jpg"}, {"publicId", "a"}}})), 201);
  ASSERT_EQ(p["images"].size(), 2u);
  EXPECT_EQ(p["images"][0]["url"], m["url"]);
  EXPECT_EQ(p["images"][0]["thumbnailUrl"], m["thumbnailUrl"]);
  EXPECT_EQ(p["images"][0]["width"], 800);
  EXPECT_EQ(p["images"][0]["alt"], "Front");
  EXPECT_EQ(p["images"][0]["mediaId"], id);
  EXPECT_EQ(p["images"][1]["url"], "https://cdn.example.ng/a.jpg") << "images given with their url keep working";
  // By public id too; unknown ones name the field.
  EXPECT_EQ(ok(product(Json::array({{{"publicId", publicId}, {"alt", "Side"}}})), 201)["images"][0]["alt"], "Side");
  EXPECT_EQ(fields(product(Json::array({{{"mediaId", "0193aaaa-0000-7000-8000-000000000000"}}}))),
            (std::set<std::string>{"images[0].mediaId"}));
  EXPECT_EQ(fields(product(Json::array({{{"url", "https://x.ng/b.jpg"}, {"publicId", "b"}}, {{"publicId", "nope/x"}}}))),
            (std::set<std::string>{"images[1].publicId"}));

  // In use: 409 naming the product, unless forced.
  std::string encoded = publicId;
  encoded.replace(encoded.find('/'), 1, "%2F");
  const HttpResult inUse = client_->request("DELETE", "/v1/media/" + encoded, "", {kMerchant});
  EXPECT_EQ(inUse.status, 409);
  EXPECT_EQ(code(inUse), "in_use");
  EXPECT_NE(inUse.body.find("product:" + p["id"].get<std::string>()), std::string::npos);
  // Once no product shows it, it goes: record and files.
  const Json other = ok(upload(form({}, jpeg(300, 300))), 201);
  EXPECT_EQ(client_->request("DELETE", "/v1/media/" + other["id"].get<std::string>(), "", {kMerchant}).status, 204);
  EXPECT_EQ(get(pathOf(other["url"])).status, 404);
  EXPECT_EQ(get(pathOf(other["thumbnailUrl"])).status, 404);
  EXPECT_EQ(client_->request("DELETE", "/v1/media/" + other["id"].get<std::string>(), "", {kMerchant}).status, 404);
  EXPECT_EQ(client_->request("DELETE", "/v1/media/" + encoded + "?force=true", "", {kAdmin}).status, 204);
  EXPECT_EQ(get(pathOf(m["url"])).status, 404);
  EXPECT_EQ(listed(), 0);
}

TEST_P(MediaServe, ASignedDirectUploadWorksOnceForTheStaffWhoAskedForIt) {
  start();
  const Json u = ok(get("/v1/media/upload-url?folder=lookbook", {kMerchant}));
  EXPECT_EQ(u["folder"], "lookbook");
  EXPECT_TRUE(u["apiKey"].is_null());
  const std::string path = pathOf(u["uploadUrl"]);
  // The browser: no token, the URL is the permission.
  const Json m = ok(upload(form({}, jpeg(300, 200)), "", path), 201);
  EXPECT_EQ(m["uploadedBy"], "u-merchant");
  EXPECT_EQ(m["publicId"].get<std::string>().rfind("lookbook/", 0), 0u);
  EXPECT_EQ(upload(form({}, jpeg(300, 200)), "", path).status, 401) << "used already";
  std::string tampered = path;
  tampered.replace(tampered.find("uploader=u-merchant"), 19, "uploader=u-admin999");
  const Json fresh = ok(get("/v1/media/upload-url", {kAdmin}));
  std::string forged = pathOf(fresh["uploadUrl"]);
  forged.replace(forged.find("folder=products"), 15, "folder=lookbook");
  EXPECT_EQ(upload(form({}, jpeg(300, 200)), "", forged).status, 401) << "another folder";
  EXPECT_EQ(upload(form({}, jpeg(300, 200)), "", "/v1/media/upload/signed").status, 401);
  EXPECT_EQ(get("/v1/media/upload-url?folder=Bad..Folder", {kMerchant}).status, 400);
  EXPECT_EQ(listed(), 1);
}

TEST_P(MediaServe, ConcurrentUploadsAreEachStoredOnce) {
  start();
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      HttpClient c(server_->base());
      const Form f = form({{"alt", "look " + std::to_string(i)}}, jpeg(900, 600, 0x100000u * static_cast<unsigned>(i + 1)));
      if (c.request("POST", "/v1/media/upload", f.body, {f.contentType, kMerchant}).status == 201) ++created;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 8);
  const Json list = ok(get("/v1/media?limit=20", {kAdmin}));
  std::set<std::string> ids;
  for (const auto& m : list["data"]) ids.insert(m["publicId"]);
  EXPECT_EQ(ids.size(), 8u);
  EXPECT_EQ(filesStored(), 16u);
}

TEST_P(MediaServe, TheDemoCatalogueShowsPicturesThatLoad) {
  start("", true);
  const Json page = ok(get("/v1/products?limit=5"));
  ASSERT_EQ(page["data"].size(), 5u);
  for (const auto& p : page["data"]) {
    ASSERT_FALSE(p["images"].empty()) << p["slug"];
    const std::string url = p["images"][0]["url"];
    EXPECT_EQ(url.find("res.cloudinary.com"), std::string::npos);
    const HttpResult img = get(pathOf(url));
    EXPECT_EQ(img.status, 200) << url;
    EXPECT_EQ(img.header("content-type"), "image/jpeg");
    EXPECT_EQ(get(pathOf(p["images"][0]["thumbnailUrl"])).status, 200);
  }
  // Made once per colour pair, kept in the library, and shown by their products.
  EXPECT_GT(listed(), 10);
  EXPECT_LT(listed(), 145);
  const Json first = page["data"][0];
  EXPECT_EQ(code(client_->request("DELETE", "/v1/media/" + first["images"][0]["mediaId"].get<std::string>(), "", {kAdmin})),
            "in_use");
}

TEST_P(MediaServe, AnUploadACrashCutShortIsCleanedUpAfterTheRestart) {
  start();
  const Json kept = ok(upload(form({}, jpeg(300, 300))), 201);
  server_->kill9();
  // What a crash between the provider's files and the "ready" record leaves:
  // a pending record 20 minutes old, its files, and a temporary file.
  const std::string name = "0123456789abcdef0123456789abcdef";
  const auto dir = std::filesystem::path(dir_.path()) / "data" / "media";
  for (const auto& f : {name + ".jpg", name + "-400.jpg"}) std::ofstream(dir / f) << jpeg(50, 50);
  const auto part = dir / ".tmp" / "deadbeef.part";
  std::ofstream(part) << "half a file";
  std::filesystem::last_write_time(part, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  const long long old = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count() - 20 * 60 * 1000;
  sql("INSERT INTO media_media (id, public_id, provider, status, width, height, format, bytes, alt, folder, uploaded_by, "
      "created_at, updated_at) VALUES ('0193aaaa-0000-7000-8000-00000000000a', 'products/" + name +
      "', 'local', 'pending', 50, 50, 'jpg', 100, '', 'products', 'u-merchant', " + std::to_string(old) + ", " +
      std::to_string(old) + ") RETURNING id");
  ASSERT_EQ(filesStored(), 4u);
  restart();
  ASSERT_TRUE(eventually([&] { return filesStored() == 2u; })) << server_->output();
  EXPECT_EQ(sql("SELECT COUNT(*) FROM media_media"), "1");
  EXPECT_FALSE(std::filesystem::exists(part));
  EXPECT_EQ(get(pathOf(kept["url"])).status, 200) << "what was finished stays";
}

// The orders plugin keeps invoices as the media library's private
// documents: on Cloudinary, raw files of type authenticated, read back only
// through URLs signed with the api_secret (the fake is also the CDN here).
TEST_P(MediaServe, OnCloudinaryAnInvoiceIsAnAuthenticatedRawFileReadThroughASignedUrl) {
  FakeCloudinary cloudinary("agape-test", "614335564976464", "cld-secret-0a9b");
  serve({"test.tokens", pluginEntry("media"), pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"),
         pluginEntry("orders")},
        "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\nmedia:\n  provider: cloudinary\n  cloudinary:\n"
        "    cloudName: agape-test\n    apiKey: '614335564976464'\n    apiSecret: cld-secret-0a9b\n"
        "    apiBaseUrl: " + cloudinary.url() + "\n    deliveryBaseUrl: " + cloudinary.url() + "\n    timeout: 2s\n");
  const Json product = stockedProduct({"M"}, 5);
  ok(send("POST", "/v1/cart/items", Json{{"variantId", product["variants"][0]["id"]}, {"quantity", 1}}, {kAda}));
  const Json order = ok(send("POST", "/v1/orders",
                             Json{{"shippingAddress", {{"fullName", "Adéọlá Ọ̀ṣun"}, {"phone", "08035550101"},
                                                       {"line1", "12 Ƙofar Ɗan Agundi"}, {"city", "Kano"},
                                                       {"state", "Kano"}}}},
                             {kAda}),
                        201);
  const std::string id = order["id"];
  ok(send("PATCH", "/v1/orders/" + id + "/status", Json{{"status", "paid"}}, {kAdmin}));

  const std::string key = "invoices/" + id + ".pdf";
  const auto kept = [&]() -> std::optional<FakeCloudinary::Asset> {
    for (const auto& a : cloudinary.assets())
      if (a.publicId == key) return a;
    return std::nullopt;
  };
  ASSERT_TRUE(eventually([&] { return kept().has_value(); })) << server_->output();
  EXPECT_EQ(kept()->resourceType, "raw");
  EXPECT_EQ(kept()->type, "authenticated");
  const int requestsBefore = cloudinary.requests();
  const auto pdf = get("/v1/orders/" + id + "/invoice", {kAda});
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.body.size(), kept()->bytes);
  EXPECT_EQ(cloudinary.requests(), requestsBefore + 1) << "read once, through the signed URL, not uploaded again";
  // Cloudinary down: the invoice is rendered from the order, the same bytes.
  cloudinary.failNext(2);
  const auto again = get("/v1/orders/" + id + "/invoice", {kAda});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, pdf.body);
  EXPECT_TRUE(eventually([&] { return server_->output().find("invoice store unreadable") != std::string::npos; }))
      << server_->output();
}

TEST_P(MediaServe, WithCloudinaryTheSameRoutesStoreOnCloudinary) {
  FakeCloudinary cloudinary("agape-test", "614335564976464", "cld-secret-0a9b", "sha256");
  start("media:\n  provider: cloudinary\n  thumbnailSizes: [400, 800]\n  cloudinary:\n    cloudName: agape-test\n"
        "    apiKey: '614335564976464'\n    apiSecret: cld-secret-0a9b\n    signatureAlgorithm: sha256\n"
        "    apiBaseUrl: " + cloudinary.url() + "\n    deliveryBaseUrl: https://res.cloudinary.com\n    timeout: 2s\n");
  cloudinary.reportImageSize(1200, 900);
  const std::string bytes = jpeg();
  const Json m = ok(upload(form({{"alt", "Front"}}, bytes)), 201);
  EXPECT_EQ(m["provider"], "cloudinary");
  EXPECT_EQ(m["width"], 1200) << "measured here, from the bytes";
  const std::string publicId = m["publicId"];
  ASSERT_EQ(cloudinary.assets().size(), 1u);
  EXPECT_EQ(cloudinary.assets()[0].publicId, publicId);
  EXPECT_EQ(cloudinary.assets()[0].bytes, bytes.size());
  EXPECT_EQ(cloudinary.assets()[0].eager, (std::vector<std::string>{"c_fit,h_400,w_400", "c_fit,h_800,w_800"}));
  EXPECT_EQ(m["url"].get<std::string>().rfind("https://res.cloudinary.com/agape-test/image/upload/", 0), 0u);
  EXPECT_NE(m["thumbnailUrl"].get<std::string>().find("/c_fit,h_400,w_400/"), std::string::npos);
  EXPECT_EQ(m["thumbnails"].size(), 2u);
  // Checked here first: Cloudinary never sees what this server refuses.
  EXPECT_EQ(upload(form({}, "not an image", "x.jpg")).status, 415);
  EXPECT_EQ(cloudinary.requests(), 1);
  // Down or rate limited: 503, nothing kept; refused: 422, nothing kept.
  cloudinary.failNext(1);
  EXPECT_EQ(upload(form({}, jpeg(300, 300))).status, 503);
  cloudinary.rateLimitNext(1);
  EXPECT_EQ(upload(form({}, jpeg(300, 300))).status, 503);
  cloudinary.refuseNext(1);
  EXPECT_EQ(code(upload(form({}, jpeg(300, 300)))), "upload_refused");
  EXPECT_EQ(listed(), 1);
  EXPECT_EQ(cloudinary.assets().size(), 1u);
  // The browser's own upload: signed here, never the secret.
  const Json direct = ok(get("/v1/media/upload-url?folder=lookbook", {kMerchant}));
  EXPECT_EQ(direct["apiKey"], "614335564976464");
  EXPECT_EQ(direct["folder"], "lookbook");
  EXPECT_EQ(direct.dump().find("cld-secret"), std::string::npos);
  // Deleting destroys the asset; Cloudinary down keeps the record for another try.
  cloudinary.failNext(1);
  EXPECT_EQ(client_->request("DELETE", "/v1/media/" + m["id"].get<std::string>(), "", {kAdmin}).status, 503);
  EXPECT_EQ(listed(), 1);
  EXPECT_EQ(client_->request("DELETE", "/v1/media/" + m["id"].get<std::string>(), "", {kAdmin}).status, 204);
  EXPECT_TRUE(cloudinary.assets().empty());
  EXPECT_EQ(listed(), 0);
  EXPECT_EQ(server_->output().find("cld-secret"), std::string::npos) << "the secret is never logged";
}

AGAPE_BACKENDS(MediaServe);

}  // namespace
}  // namespace agape::test
