#include "image_probe.h"

#include <cstring>
#include <mutex>
#include <stdexcept>

#include <vips/vips.h>

namespace agape::media {
namespace {

// Owns one reference to a VipsImage.
class Image {
 public:
  Image() = default;
  explicit Image(VipsImage* image) : image_(image) {}
  ~Image() {
    if (image_) g_object_unref(image_);
  }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  Image(Image&& other) noexcept : image_(other.image_) { other.image_ = nullptr; }
  Image& operator=(Image&& other) noexcept {
    std::swap(image_, other.image_);
    return *this;
  }
  VipsImage* get() const { return image_; }
  VipsImage** out() { return &image_; }

 private:
  VipsImage* image_ = nullptr;
};

// libvips reports through a global buffer: take its text and clear it.
std::string vipsError() {
  std::string text = vips_error_buffer();
  vips_error_clear();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown libvips error" : text;
}

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string(what) + ": " + vipsError()); }

// The loader for a sniffed format only: sequential access (pixels stream
// through, never held whole), and any decoding error is an error.
Image load(std::string_view bytes, const std::string& format) {
  Image img;
  void* buf = const_cast<char*>(bytes.data());  // libvips only reads it
  int rc = -1;
  if (format == "jpg")
    rc = vips_jpegload_buffer(buf, bytes.size(), img.out(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, nullptr);
  else if (format == "png")
    rc = vips_pngload_buffer(buf, bytes.size(), img.out(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                             VIPS_FAIL_ON_ERROR, nullptr);
  else if (format == "webp")
    rc = vips_webpload_buffer(buf, bytes.size(), img.out(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                              VIPS_FAIL_ON_ERROR, nullptr);
  if (rc != 0) fail("cannot read the image");
  return img;
}

const char* saveSuffix(const std::string& format) {
  if (format == "png") return ".png[strip,compression=6]";
  if (format == "webp") return ".webp[strip,Q=80]";
  return ".jpg[strip,Q=82,optimize_coding]";
}

std::string toBuffer(const Image& img, const char* suffix) {
  void* buf = nullptr;
  std::size_t len = 0;
  if (vips_image_write_to_buffer(img.get(), suffix, &buf, &len, nullptr) != 0) fail("cannot encode the image");
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

}  // namespace

void initImageLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("agape") != 0) fail("libvips did not start");
    // Only the three loaders above are ever called; block the rest anyway
    // (ImageMagick, PDF, SVG... must never see a client's bytes).
    vips_block_untrusted_set(TRUE);
    // No operation cache: every upload is different, and the cache would
    // hold decoded images in memory.
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    // A client's broken file makes libvips warn on stderr; the client gets
    // the reason in its problem, so the warnings are not written anywhere.
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO),
                      [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
  });
}

std::optional<std::string> sniffFormat(std::string_view b) {
  const auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return b.size() >= at + magic.size() && b.compare(at, magic.size(), magic) == 0;
  };
  if (starts("\xFF\xD8\xFF")) return "jpg";
  if (starts("\x89PNG\r\n\x1A\n")) return "png";
  if (starts("RIFF") && starts("WEBP", 8)) return "webp";
  return std::nullopt;
}

ProbeResult probeImage(std::string_view bytes, const ImageLimits& limits) {
  ProbeResult r;
  const auto format = sniffFormat(bytes);
  if (!format) {
    r.failure = ProbeFailure::UnsupportedType;
    r.detail = "The file is not a JPEG, PNG or WebP image (its content was checked, not its name).";
    return r;
  }
  Image img;
  try {
    img = load(bytes, *format);  // the header only: nothing decoded yet
  } catch (const std::runtime_error& e) {
    r.failure = ProbeFailure::Corrupt;
    r.detail = "The image cannot be read (" + std::string(e.what()) + ").";
    return r;
  }
  const int w = vips_image_get_width(img.get()), h = vips_image_get_height(img.get());
  if (w > limits.maxDimension || h > limits.maxDimension ||
      static_cast<long long>(w) * h > limits.maxPixels) {
    r.failure = ProbeFailure::TooLarge;
    r.detail = "The image is " + std::to_string(w) + "×" + std::to_string(h) + " pixels; at most " +
               std::to_string(limits.maxPixels) + " pixels and " + std::to_string(limits.maxDimension) +
               " per side are accepted.";
    return r;
  }
  // Every pixel once, streaming: truncated or broken data fails here.
  double average = 0;
  if (vips_avg(img.get(), &average, nullptr) != 0) {
    r.failure = ProbeFailure::Corrupt;
    r.detail = "The image data is broken (" + vipsError() + ").";
    return r;
  }
  r.image = ProbedImage{*format, w, h};
  return r;
}

std::string thumbnail(std::string_view bytes, const std::string& format, int size) {
  Image thumb;
  // thumbnail_buffer shrinks while loading (JPEG, WebP): memory follows the
  // thumbnail's size, not the original's.
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), thumb.out(), size, "height", size, "size",
                            VIPS_SIZE_DOWN, nullptr) != 0)
    fail("cannot make the thumbnail");
  return toBuffer(thumb, saveSuffix(format));
}

std::string stripedPicture(unsigned colourA, unsigned colourB, int stripe, int width, int height) {
  Image xy, x, y, sum, scaled, whole, parity, mask, a, b, mixed, pixels;
  const double rgbA[3] = {double((colourA >> 16) & 0xFF), double((colourA >> 8) & 0xFF), double(colourA & 0xFF)};
  const double rgbB[3] = {double((colourB >> 16) & 0xFF), double((colourB >> 8) & 0xFF), double(colourB & 0xFF)};
  // stripe index = floor((x + y) / stripe); even stripes colour A, odd B.
  if (vips_xyz(xy.out(), width, height, nullptr) != 0 || vips_extract_band(xy.get(), x.out(), 0, nullptr) != 0 ||
      vips_extract_band(xy.get(), y.out(), 1, nullptr) != 0 || vips_add(x.get(), y.get(), sum.out(), nullptr) != 0 ||
      vips_linear1(sum.get(), scaled.out(), 1.0 / stripe, 0.0, nullptr) != 0 ||
      vips_floor(scaled.get(), whole.out(), nullptr) != 0 ||
      vips_remainder_const1(whole.get(), parity.out(), 2.0, nullptr) != 0 ||
      vips_equal_const1(parity.get(), mask.out(), 0.0, nullptr) != 0)
    fail("cannot draw the stripes");
  a = Image(vips_image_new_from_image(mask.get(), rgbA, 3));
  b = Image(vips_image_new_from_image(mask.get(), rgbB, 3));
  if (!a.get() || !b.get() || vips_ifthenelse(mask.get(), a.get(), b.get(), mixed.out(), nullptr) != 0 ||
      vips_cast(mixed.get(), pixels.out(), VIPS_FORMAT_UCHAR, nullptr) != 0)
    fail("cannot colour the stripes");
  Image srgb;
  if (vips_copy(pixels.get(), srgb.out(), "interpretation", VIPS_INTERPRETATION_sRGB, nullptr) != 0)
    fail("cannot tag the picture as sRGB");
  return toBuffer(srgb, ".jpg[Q=85,optimize_coding]");
}

}  // namespace agape::media
