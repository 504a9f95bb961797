// Writes a photo-like JPEG of about BYTES bytes (within 2 %) for the media
// load scenario (media.sh): a smooth colour pattern under pixel noise, 4:3
// at about 0.55 bytes per pixel unless WIDTHxHEIGHT is given.
//
//   agape_media_sample BYTES OUT.jpg [WIDTHxHEIGHT]
//
// Prints "width height bytes" of what it wrote.
#include <vips/vips.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>

#include "sample_picture.h"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: agape_media_sample BYTES OUT.jpg [WIDTHxHEIGHT]\n");
    return 2;
  }
  char* end = nullptr;
  const unsigned long long bytes = std::strtoull(argv[1], &end, 10);
  if (*end != '\0' || bytes < 1024) {
    std::fprintf(stderr, "agape_media_sample: BYTES is a whole number, at least 1024\n");
    return 2;
  }
  auto [width, height] = agape::bench::photoDimensions(bytes);
  if (argc == 4 && std::sscanf(argv[3], "%dx%d", &width, &height) != 2) {
    std::fprintf(stderr, "agape_media_sample: the size looks like 1600x1200\n");
    return 2;
  }
  if (VIPS_INIT(argv[0]) != 0) {
    std::fprintf(stderr, "agape_media_sample: libvips did not start\n");
    return 1;
  }
  try {
    const std::string jpeg = agape::bench::sampleJpeg(bytes, width, height);
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out.write(jpeg.data(), static_cast<std::streamsize>(jpeg.size()));
    if (!out.flush()) throw std::runtime_error(std::string("cannot write ") + argv[2]);
    std::printf("%d %d %zu\n", width, height, jpeg.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agape_media_sample: %s\n", e.what());
    return 1;
  }
  vips_shutdown();
  return 0;
}
