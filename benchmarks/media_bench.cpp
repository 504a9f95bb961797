// The media plugin's per-upload work, in process (libvips set up as the
// server sets it up: no operation cache, one thread per image):
//   BM_ProbeJpeg       probeImage on a 1 MiB 1600×1200 photo-like JPEG: magic,
//                      header limits, one full streaming decode
//   BM_ThumbnailJpeg   the same JPEG into a 400 px box (shrink-on-load),
//                      re-encoded: the thumbnail time per image
//   BM_ProbePng        probeImage on the same pixels as PNG
//   BM_RefuseBombPng   a PNG whose header claims 100,000×100,000: refused
//                      from the header, nothing decoded
//   BM_ReadUploadForm  readUploadForm on a 1 MiB multipart/form-data body
// An upload through the local provider pays one probe and one thumbnail per
// configured size. Each benchmark checks its outcome once before timing.
// CPU times are the whole process's: libvips decodes on a worker thread of
// its own, whose time the calling thread's CPU time would miss.
//   ./build/bin/agape_bench --benchmark_filter='Jpeg|Png|UploadForm' --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "image_probe.h"
#include "sample_picture.h"
#include "upload_form.h"

namespace {

using namespace agape::media;

constexpr std::size_t kPhotoBytes = 1 << 20;
constexpr int kPhotoWidth = 1600, kPhotoHeight = 1200;
constexpr int kThumbnailBox = 400;
const std::string kBoundary = "agape-bench-7f3a91c2e5d84b06";

// Big-endian, as PNG wants its lengths, sizes and CRCs.
void appendU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void appendPngChunk(std::string& out, std::string_view type, std::string_view data) {
  appendU32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type).append(data);
  appendU32(out, static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(out.data() + start),
                                                  static_cast<uInt>(out.size() - start))));
}

// A valid PNG signature and IHDR claiming 100,000×100,000 RGB, with a token
// IDAT: a decompression bomb's header.
std::string bombPng() {
  std::string header;
  appendU32(header, 100'000);
  appendU32(header, 100'000);
  header.append("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter, no interlace
  std::string png("\x89PNG\r\n\x1A\n", 8);
  appendPngChunk(png, "IHDR", header);
  appendPngChunk(png, "IDAT", std::string_view("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  appendPngChunk(png, "IEND", "");
  return png;
}

std::string uploadBody(const std::string& file) {
  const std::string dash = "--" + kBoundary;
  return dash + "\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA sample photo\r\n" + dash +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
         file + "\r\n" + dash + "--\r\n";
}

// Made once, on first use.
struct Samples {
  std::string jpeg, png, bomb, form;
  static const Samples& get() {
    static const Samples samples;
    return samples;
  }

 private:
  Samples() {
    initImageLibrary();
    jpeg = agape::bench::sampleJpeg(kPhotoBytes, kPhotoWidth, kPhotoHeight);
    png = agape::bench::asPng(jpeg);
    bomb = bombPng();
    form = uploadBody(jpeg);
  }
};

std::string describe(const std::string& kind, std::size_t bytes) {
  char label[64];
  std::snprintf(label, sizeof label, "%dx%d %s, %.2f MiB", kPhotoWidth, kPhotoHeight, kind.c_str(),
                static_cast<double>(bytes) / (1 << 20));
  return label;
}

bool probedWhole(const std::string& bytes, const std::string& format) {
  const ProbeResult r = probeImage(bytes, {});
  return r.image && r.image->format == format && r.image->width == kPhotoWidth && r.image->height == kPhotoHeight;
}

void probeRepeatedly(benchmark::State& state, const std::string& bytes, const std::string& format) {
  if (!probedWhole(bytes, format)) {
    state.SkipWithError("the sample was not accepted whole");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(probeImage(bytes, {}).image);
  state.SetBytesProcessed(static_cast<long long>(state.iterations() * bytes.size()));
  state.SetLabel(describe(format, bytes.size()));
}

void BM_ProbeJpeg(benchmark::State& state) { probeRepeatedly(state, Samples::get().jpeg, "jpg"); }
BENCHMARK(BM_ProbeJpeg)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_ProbePng(benchmark::State& state) { probeRepeatedly(state, Samples::get().png, "png"); }
BENCHMARK(BM_ProbePng)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_ThumbnailJpeg(benchmark::State& state) {
  const std::string& jpeg = Samples::get().jpeg;
  const ProbeResult thumb = probeImage(thumbnail(jpeg, "jpg", kThumbnailBox), {});
  if (!thumb.image || thumb.image->width != kThumbnailBox || thumb.image->height != kThumbnailBox * 3 / 4) {
    state.SkipWithError("the thumbnail is not 400×300");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(thumbnail(jpeg, "jpg", kThumbnailBox));
  state.SetBytesProcessed(static_cast<long long>(state.iterations() * jpeg.size()));
  state.SetLabel(describe("jpg", jpeg.size()) + " → 400x300");
}
BENCHMARK(BM_ThumbnailJpeg)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_RefuseBombPng(benchmark::State& state) {
  const std::string& bomb = Samples::get().bomb;
  const ProbeResult first = probeImage(bomb, {});
  if (first.image || first.failure != ProbeFailure::TooLarge) {
    state.SkipWithError("the bomb was not refused as too large");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(probeImage(bomb, {}).failure);
  state.SetLabel("100000x100000 claimed");
}
BENCHMARK(BM_RefuseBombPng)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

void BM_ReadUploadForm(benchmark::State& state) {
  const Samples& s = Samples::get();
  const std::string contentType = "multipart/form-data; boundary=" + kBoundary;
  if (s.jpeg.find("--" + kBoundary) != std::string::npos) {
    state.SkipWithError("the boundary occurs in the sample");
    return;
  }
  const UploadForm first = readUploadForm(contentType, s.form, 10 << 20);
  if (first.file != s.jpeg || first.alt != "A sample photo") {
    state.SkipWithError("the form was not read back");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(readUploadForm(contentType, s.form, 10 << 20).file.size());
  state.SetBytesProcessed(static_cast<long long>(state.iterations() * s.form.size()));
  state.SetLabel(describe("jpg", s.jpeg.size()) + " in the form");
}
BENCHMARK(BM_ReadUploadForm)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

}  // namespace
