// The media core without a server: an image's type from its bytes, a
// decompression bomb refused from its header, broken data refused by the
// full decode, thumbnails, the multipart reader's refusals, the local
// store's names and signatures, and the config.
#include <gtest/gtest.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include <agape/problem.h>
#include <agape/testing/config_text.h>
#include <vips/vips.h>

#include "image_probe.h"
#include "local_storage.h"
#include "media_config.h"
#include "upload_form.h"

namespace agape::media {
namespace {

class MediaUnit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { initImageLibrary(); }
  // A striped JPEG re-encoded as `suffix` (".png", ".webp").
  static std::string picture(const char* suffix = ".jpg", int w = 120, int h = 90) {
    const std::string jpeg = stripedPicture(0x7b2d26, 0xf2c14e, 8, w, h);
    if (std::string(suffix) == ".jpg") return jpeg;
    VipsImage* img = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
    void* buf = nullptr;
    std::size_t len = 0;
    EXPECT_EQ(vips_image_write_to_buffer(img, suffix, &buf, &len, nullptr), 0);
    std::string out(static_cast<const char*>(buf), len);
    g_free(buf);
    g_object_unref(img);
    return out;
  }
  static std::string chunk(const std::string& type, const std::string& data) {
    std::string out;
    const auto n = static_cast<std::uint32_t>(data.size());
    for (int shift : {24, 16, 8, 0}) out += static_cast<char>((n >> shift) & 0xFF);
    out += type + data;
    const auto crc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>((type + data).data()),
                           static_cast<uInt>(type.size() + data.size()));
    for (int shift : {24, 16, 8, 0}) out += static_cast<char>((crc >> shift) & 0xFF);
    return out;
  }
  // A valid PNG header that claims w×h pixels, with almost no data behind it.
  static std::string claimedPng(std::uint32_t w, std::uint32_t h) {
    std::string ihdr;
    for (std::uint32_t v : {w, h})
      for (int shift : {24, 16, 8, 0}) ihdr += static_cast<char>((v >> shift) & 0xFF);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB
    return std::string("\x89PNG\r\n\x1A\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) +
           chunk("IEND", "");
  }
};

TEST_F(MediaUnit, TheTypeComesFromTheBytes) {
  EXPECT_EQ(sniffFormat(picture(".jpg")), "jpg");
  EXPECT_EQ(sniffFormat(picture(".png")), "png");
  EXPECT_EQ(sniffFormat(picture(".webp")), "webp");
  EXPECT_EQ(sniffFormat("hello, I am x.jpg"), std::nullopt);
  EXPECT_EQ(sniffFormat("GIF89a..."), std::nullopt);
  EXPECT_EQ(sniffFormat("RIFF\x10\x00\x00\x00WAVEfmt "), std::nullopt);
  EXPECT_EQ(sniffFormat(""), std::nullopt);
  const auto text = probeImage("just text, named photo.jpg", {});
  EXPECT_FALSE(text.image);
  EXPECT_EQ(text.failure, ProbeFailure::UnsupportedType);
}

TEST_F(MediaUnit, EveryFormatIsMeasuredFromItsHeader) {
  for (const char* suffix : {".jpg", ".png", ".webp"}) {
    const auto r = probeImage(picture(suffix, 321, 123), {});
    ASSERT_TRUE(r.image) << suffix << ": " << r.detail;
    EXPECT_EQ(r.image->width, 321);
    EXPECT_EQ(r.image->height, 123);
    EXPECT_EQ("." + r.image->format, suffix);
  }
}

TEST_F(MediaUnit, ADecompressionBombIsRefusedBeforeDecoding) {
  const auto bomb = probeImage(claimedPng(100000, 100000), {});
  EXPECT_FALSE(bomb.image);
  EXPECT_EQ(bomb.failure, ProbeFailure::TooLarge) << bomb.detail;
  EXPECT_NE(bomb.detail.find("100000×100000"), std::string::npos);
  // Within the limits but one side too long.
  EXPECT_EQ(probeImage(claimedPng(30000, 10), {}).failure, ProbeFailure::TooLarge);
  // A small picture against tight limits.
  EXPECT_EQ(probeImage(picture(".jpg", 200, 100), ImageLimits{10'000, 20'000}).failure, ProbeFailure::TooLarge);
}

TEST_F(MediaUnit, BrokenDataIsRefusedByTheFullDecode) {
  for (const char* suffix : {".jpg", ".png", ".webp"}) {
    const std::string good = picture(suffix, 400, 300);
    const auto cut = probeImage(good.substr(0, good.size() / 2), {});
    EXPECT_FALSE(cut.image) << suffix;
    EXPECT_EQ(cut.failure, ProbeFailure::Corrupt) << suffix;
  }
  // The magic alone.
  EXPECT_EQ(probeImage("\xFF\xD8\xFF\xE0garbage", {}).failure, ProbeFailure::Corrupt);
  // A header with no image data behind it.
  EXPECT_EQ(probeImage(claimedPng(64, 64), {}).failure, ProbeFailure::Corrupt);
}

TEST_F(MediaUnit, ThumbnailsFitTheirBoxAndKeepTheFormat) {
  for (const char* suffix : {".jpg", ".png", ".webp"}) {
    const std::string t = thumbnail(picture(suffix, 800, 400), std::string(suffix + 1), 200);
    const auto r = probeImage(t, {});
    ASSERT_TRUE(r.image) << suffix;
    EXPECT_EQ(r.image->width, 200);
    EXPECT_EQ(r.image->height, 100);
    EXPECT_EQ("." + r.image->format, suffix);
  }
  // Never enlarged.
  const auto small = probeImage(thumbnail(picture(".jpg", 50, 40), "jpg", 200), {});
  EXPECT_EQ(small.image->width, 50);
  // Demo pictures are deterministic.
  EXPECT_EQ(stripedPicture(0x123456, 0xabcdef, 10, 60, 80), stripedPicture(0x123456, 0xabcdef, 10, 60, 80));
}

std::string multipart(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& parts,
                      bool closed = true) {
  std::string body;
  for (const auto& [name, value] : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
            (name == "file" ? "; filename=\"../../etc/passwd.jpg\"\r\nContent-Type: image/jpeg" : "") + "\r\n\r\n" +
            value + "\r\n";
  }
  if (closed) body += "--" + boundary + "--\r\n";
  return body;
}

std::string problemOf(const std::string& contentType, const std::string& body, std::size_t max = 1000) {
  try {
    readUploadForm(contentType, body, max);
    return "accepted";
  } catch (const Problem& p) {
    std::string fields;
    for (const auto& e : p.errors()) fields += " " + e.field;
    return std::to_string(p.status()) + fields;
  }
}

TEST_F(MediaUnit, TheMultipartReaderTakesOneFileAndRefusesTheRest) {
  const std::string type = "multipart/form-data; boundary=XyZ";
  const UploadForm f = readUploadForm(type, multipart("XyZ", {{"alt", "Red dress"}, {"file", "BYTES"}, {"folder", "lookbook"}}), 1000);
  EXPECT_EQ(f.file, "BYTES");
  EXPECT_EQ(f.alt, "Red dress");
  EXPECT_EQ(f.folder, "lookbook");
  EXPECT_EQ(problemOf("multipart/form-data", multipart("XyZ", {{"file", "B"}})), "400");
  EXPECT_EQ(problemOf("application/json", "{}"), "400");
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"file", "BYTES"}}, false)), "400") << "truncated";
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"file", "A"}, {"file", "B"}})), "400 file");
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"file", ""}})), "400 file");
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"alt", "x"}})), "400 file");
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"file", "B"}, {"owner", "x"}})), "400 owner");
  EXPECT_EQ(problemOf(type, multipart("XyZ", {{"file", std::string(1001, 'x')}})), "413");
  EXPECT_EQ(problemOf(type, "--XyZ\r\nno headers at all--XyZ--\r\n"), "400 body");
}

TEST_F(MediaUnit, TheLocalStoreKeepsPrivateDocumentsWhereNoFileRouteReads) {
  const auto dir = std::filesystem::temp_directory_path() / ("agape-media-private-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  LocalStorage store(dir, "http://shop.test", {100}, std::string(32, 'k'), 600);
  EXPECT_EQ(store.readPrivate("invoices/o-1.pdf"), std::nullopt);
  store.keepPrivate("invoices/o-1.pdf", "first");
  store.keepPrivate("invoices/o-1.pdf", "second");  // replaced
  EXPECT_EQ(store.readPrivate("invoices/o-1.pdf"), "second");
  EXPECT_TRUE(std::filesystem::exists(dir / "private" / "invoices" / "o-1.pdf"));
  EXPECT_TRUE(std::filesystem::is_empty(dir / ".tmp"));  // no temporary file left
  for (const char* path : {"private/invoices/o-1.pdf", "o-1.pdf", "invoices/o-1.pdf"}) EXPECT_FALSE(store.read(path)) << path;
  std::filesystem::remove_all(dir);
}

TEST_F(MediaUnit, TheLocalStoreNamesFilesItselfAndNeverOverwrites) {
  const auto dir = std::filesystem::temp_directory_path() / ("agape-media-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  LocalStorage store(dir, "http://shop.test", {100, 300}, std::string(32, 'k'), 600);
  const std::string jpeg = picture(".jpg", 640, 480);
  const std::string name(32, 'a');
  const StoredImage s = store.store({"products/" + name, jpeg, "jpg", 640, 480});
  EXPECT_EQ(s.url, "http://shop.test/v1/media/files/" + name + ".jpg");
  ASSERT_EQ(s.thumbnails.size(), 2u);
  EXPECT_EQ(s.thumbnails[0].url, "http://shop.test/v1/media/files/" + name + "-100.jpg");
  EXPECT_EQ(store.read(name + ".jpg")->bytes, jpeg);
  EXPECT_EQ(store.read(name + "-300.jpg")->contentType, "image/jpeg");
  EXPECT_THROW(store.store({"products/" + name, jpeg, "jpg", 640, 480}), MediaProviderError) << "no overwrite";
  EXPECT_EQ(store.read(name + ".jpg")->bytes, jpeg);
  EXPECT_THROW(store.store({"products/../../x", jpeg, "jpg", 640, 480}), MediaProviderError);
  for (const char* bad : {"../agape.db", "x.jpg", ".tmp", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.svg", "", "%2e%2e"})
    EXPECT_FALSE(store.read(bad)) << bad;
  store.remove("products/" + name, "jpg");
  EXPECT_FALSE(store.read(name + ".jpg"));
  EXPECT_FALSE(store.read(name + "-100.jpg"));
  store.remove("products/" + name, "jpg");  // gone already: fine

  const Json up = store.directUpload("lookbook", "u-merchant", 1000);
  LocalStorage::SignedUpload u{"lookbook", "u-merchant", "", 1600, up["signature"]};
  const std::string url = up["uploadUrl"];
  u.nonce = url.substr(url.find("nonce=") + 6, 32);
  EXPECT_TRUE(store.verify(u, 1500));
  EXPECT_FALSE(store.verify(u, 1601)) << "expired";
  auto other = u;
  other.folder = "products";
  EXPECT_FALSE(store.verify(other, 1500)) << "another folder";
  other = u;
  other.uploader = "u-admin";
  EXPECT_FALSE(store.verify(other, 1500)) << "another uploader";
  std::filesystem::remove_all(dir);
}

TEST(MediaConfig, DefaultsAndRefusals) {
  using agape::testing::decodeSection;
  using agape::testing::sectionError;
  const MediaConfig d = decodeSection("other: 1\n", "media", decodeMediaConfig);
  EXPECT_EQ(d.provider, "local");
  EXPECT_EQ(d.maxUploadBytes, 10u * 1024 * 1024);
  EXPECT_EQ(d.thumbnailSizes, (std::vector<int>{400}));
  const MediaConfig c = decodeSection(
      "media:\n  provider: cloudinary\n  thumbnailSizes: [200, 800]\n  cloudinary:\n    cloudName: agape\n"
      "    apiKey: '1234'\n    apiSecret: abcd\n    signatureAlgorithm: sha256\n",
      "media", decodeMediaConfig);
  EXPECT_EQ(c.cloudinary.cloudName, "agape");
  EXPECT_EQ(c.cloudinary.thumbnailSizes, (std::vector<int>{200, 800}));
  EXPECT_EQ(c.cloudinary.signatureAlgorithm, "sha256");
  const auto refused = [&](const std::string& yaml, const std::string& key) {
    EXPECT_NE(sectionError(yaml, "media", decodeMediaConfig).find(key), std::string::npos) << yaml;
  };
  refused("media:\n  provider: cloudinary\n", "media.provider");
  refused("media:\n  provider: s3\n", "media.provider");
  refused("media:\n  maxUploadBytes: 200MiB\n", "media.maxUploadBytes");
  refused("media:\n  thumbnailSizes: [0]\n", "media.thumbnailSizes");
  refused("media:\n  thumbnailSizes: []\n", "media.thumbnailSizes");
  refused("media:\n  defaultFolder: ../etc\n", "media.defaultFolder");
  refused("media:\n  signingKey: short\n", "media.signingKey");
  refused("media:\n  publicBaseUrl: localhost\n", "media.publicBaseUrl");
  refused("media:\n  cloudinary:\n    apiBaseUrl: ftp://x\n", "media.cloudinary.apiBaseUrl");
  refused("media:\n  colour: red\n", "media.colour");
  EXPECT_TRUE(isMediaFolder("products/2026-spring"));
  EXPECT_FALSE(isMediaFolder("Products"));
  EXPECT_FALSE(isMediaFolder("a//b"));
}

}  // namespace
}  // namespace agape::media
