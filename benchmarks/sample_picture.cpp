#include "sample_picture.h"

#include <vips/vips.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace agape::bench {
namespace {

constexpr int kPeriod = 720;  // pixels along a channel's diagonal wave

// A 64-bit mix of a position (splitmix64's finaliser): the noise of a pixel
// depends on where it is only, so a crop is like any other part.
std::uint64_t mix(std::uint64_t v) {
  v += 0x9E3779B97F4A7C15ULL;
  v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9ULL;
  v = (v ^ (v >> 27)) * 0x94D049BB133111EBULL;
  return v ^ (v >> 31);
}

// RGB bytes: each channel 128 + 80·sin of its own diagonal, plus uniform
// noise in [-amplitude, amplitude].
std::vector<unsigned char> pixels(int width, int height, double amplitude) {
  static const std::vector<double> wave = [] {
    std::vector<double> w(kPeriod);
    for (int i = 0; i < kPeriod; ++i) w[i] = 128.0 + 80.0 * std::sin(2 * M_PI * i / kPeriod);
    return w;
  }();
  constexpr int kX[3] = {2, 1, 1}, kY[3] = {1, 2, 3}, kPhase[3] = {0, 240, 480};
  std::vector<unsigned char> out(static_cast<std::size_t>(width) * height * 3);
  const double scale = amplitude / 127.5;
  std::size_t i = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const std::uint64_t r = mix((static_cast<std::uint64_t>(y) << 32) | static_cast<std::uint32_t>(x));
      for (int c = 0; c < 3; ++c) {
        const double noise = (static_cast<double>((r >> (8 * c)) & 0xFF) - 127.5) * scale;
        const double v = wave[(kX[c] * x + kY[c] * y + kPhase[c]) % kPeriod] + noise;
        out[i++] = static_cast<unsigned char>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  return out;
}

std::string vipsFailure(const char* what) {
  std::string text = vips_error_buffer();
  vips_error_clear();
  return std::string(what) + ": " + text;
}

std::string encodeJpeg(int width, int height, double amplitude) {
  const std::vector<unsigned char> px = pixels(width, height, amplitude);
  VipsImage* raw = vips_image_new_from_memory(px.data(), px.size(), width, height, 3, VIPS_FORMAT_UCHAR);
  if (!raw) throw std::runtime_error(vipsFailure("cannot wrap the pixels"));
  VipsImage* srgb = nullptr;
  void* buf = nullptr;
  std::size_t len = 0;
  const int rc = vips_copy(raw, &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr) != 0
                     ? -1
                     : vips_jpegsave_buffer(srgb, &buf, &len, "Q", 90, nullptr);
  if (srgb) g_object_unref(srgb);
  g_object_unref(raw);
  if (rc != 0) throw std::runtime_error(vipsFailure("cannot encode the sample JPEG"));
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

// Bisects the amplitude in [lo, hi] until the JPEG is within `tolerance`
// of `target` bytes (or the steps run out); the last JPEG and its amplitude.
std::pair<std::string, double> search(int width, int height, std::size_t target, double lo, double hi,
                                      double tolerance, int steps) {
  std::string jpeg;
  double amplitude = hi;
  for (int s = 0; s < steps; ++s) {
    amplitude = (lo + hi) / 2;
    jpeg = encodeJpeg(width, height, amplitude);
    const double off = (static_cast<double>(jpeg.size()) - static_cast<double>(target)) / static_cast<double>(target);
    if (std::abs(off) <= tolerance) break;
    (off < 0 ? lo : hi) = amplitude;
  }
  return {std::move(jpeg), amplitude};
}

}  // namespace

std::string sampleJpeg(std::size_t targetBytes, int width, int height) {
  if (width < 16 || height < 16) throw std::runtime_error("a sample picture is at least 16×16");
  const double whole = static_cast<double>(width) * height;
  const double shrink = std::min(1.0, std::sqrt(1e6 / whole));
  const int cw = std::max(16, static_cast<int>(width * shrink)), ch = std::max(16, static_cast<int>(height * shrink));
  const auto cropTarget = static_cast<std::size_t>(static_cast<double>(targetBytes) * cw * ch / whole);
  if (encodeJpeg(cw, ch, 127.5).size() < cropTarget * 0.98)
    throw std::runtime_error("too few pixels for that many bytes: ask for a bigger picture");
  const double amplitude = search(cw, ch, cropTarget, 0, 127.5, 0.01, 20).second;
  // The whole picture, nudged within ±20 % of the crop's amplitude if need be.
  return search(width, height, targetBytes, amplitude * 0.8, amplitude * 1.2, 0.02, 6).first;
}

std::pair<int, int> photoDimensions(std::size_t targetBytes) {
  const double pixels = static_cast<double>(targetBytes) / 0.55;
  const int width = std::max(16, static_cast<int>(std::lround(std::sqrt(pixels * 4 / 3) / 16)) * 16);
  return {width, width * 3 / 4};
}

std::string asPng(std::string_view jpeg) {
  VipsImage* img = nullptr;
  void* buf = nullptr;
  std::size_t len = 0;
  const int rc = vips_jpegload_buffer(const_cast<char*>(jpeg.data()), jpeg.size(), &img, nullptr) != 0
                     ? -1
                     : vips_pngsave_buffer(img, &buf, &len, nullptr);
  if (img) g_object_unref(img);
  if (rc != 0) throw std::runtime_error(vipsFailure("cannot make the sample PNG"));
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

}  // namespace agape::bench
