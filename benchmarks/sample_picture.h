#pragma once
// Sample pictures for the media benchmarks (media_bench.cpp and the load
// scenario's agape_media_sample): photo-like in how badly they compress — a
// smooth colour pattern under pixel noise, deterministic — so a JPEG of a
// camera's size in bytes can be asked for. libvips must be started first
// (agape::media::initImageLibrary or VIPS_INIT).
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace agape::bench {

// A width×height JPEG (quality 90) of about `targetBytes` (within 2 %): the
// noise's amplitude is searched on a crop of at most a megapixel, whose
// bytes per pixel are those of the whole picture. Throws std::runtime_error
// when the size cannot be reached at that many pixels.
std::string sampleJpeg(std::size_t targetBytes, int width, int height);

// Width and height in 4:3 for a photo of `targetBytes` at about 0.55 bytes
// per pixel (1 MiB → 1600×1200).
std::pair<int, int> photoDimensions(std::size_t targetBytes);

// The same pixels as PNG (libvips' default compression).
std::string asPng(std::string_view jpeg);

}  // namespace agape::bench
