// The media upload's network-facing readers on arbitrary input: the
// multipart reader (any Content-Type parameter, any body) must answer with
// a form or a Problem, never crash or hang; and the image check must
// classify any bytes that pass as an upload's file without crashing. The
// first input byte picks the target; the rest is the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <agape/problem.h>

#include "image_probe.h"
#include "upload_form.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const bool ready = (agape::media::initImageLibrary(), true);
  (void)ready;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    // "<boundary>\n<body>": the boundary as a client would send it.
    const auto nl = input.find('\n');
    const std::string boundary(input.substr(0, nl == std::string_view::npos ? 0 : std::min<std::size_t>(nl, 80)));
    const std::string_view body = nl == std::string_view::npos ? input : input.substr(nl + 1);
    try {
      const auto form = agape::media::readUploadForm("multipart/form-data; boundary=" + boundary, body, 64 * 1024);
      if (form.file.empty() || form.file.size() > 64 * 1024) __builtin_trap();  // the reader promised otherwise
    } catch (const agape::Problem&) {
    }
  } else {
    // Small limits keep a hostile header from costing the fuzzer its memory.
    agape::media::probeImage(input, agape::media::ImageLimits{4'000'000, 4'000});
  }
  return 0;
}
