#pragma once
// What an uploaded file is, from its bytes alone (never its name or the
// client's Content-Type): JPEG, PNG or WebP by magic number; width and
// height from the header, so a decompression bomb is refused before any
// pixel is decoded; then one full streaming decode (libvips, sequential
// access, failing on any error) so a broken file is refused rather than
// stored. Only these three loaders are ever used, and libvips' untrusted
// loaders are blocked.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape::media {

struct ImageLimits {
  long long maxPixels = 50'000'000;
  int maxDimension = 20'000;
};

struct ProbedImage {
  std::string format;  // jpg | png | webp
  int width = 0;
  int height = 0;
};

enum class ProbeFailure {
  UnsupportedType,  // not JPEG, PNG or WebP (415 unsupported_media_type)
  TooLarge,         // the header claims more pixels than the limits (422 image_too_large)
  Corrupt,          // the right magic, broken data (422 corrupt_image)
};

struct ProbeResult {
  std::optional<ProbedImage> image;
  ProbeFailure failure = ProbeFailure::Corrupt;
  std::string detail;  // for the client: what was wrong
};

// Once per process, before any other call (libvips' global state).
void initImageLibrary();

// The format from the magic bytes; nullopt for anything else.
std::optional<std::string> sniffFormat(std::string_view bytes);

ProbeResult probeImage(std::string_view bytes, const ImageLimits& limits);

// A copy of the image fitting in a size×size box (never enlarged), in the
// same format, metadata stripped. Throws std::runtime_error.
std::string thumbnail(std::string_view bytes, const std::string& format, int size);

// A deterministic picture for demo products: diagonal stripes of two
// colours (0xRRGGBB), `width`×`height`, as JPEG. Throws std::runtime_error.
std::string stripedPicture(unsigned colourA, unsigned colourB, int stripe, int width, int height);

}  // namespace agape::media
