// The kernel's HTTP request reader on arbitrary bytes, delivered in reads
// of arbitrary sizes: it must never crash, never hand out a body over its
// limit, and never read a request after refusing one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/request_reader.h"

using namespace agape::kernel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first byte sets the read size (1..256 bytes), the rest is the stream.
  const std::size_t step = static_cast<std::size_t>(data[0]) + 1;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  RequestReader reader({.maxHeaderBytes = 2048, .maxBodyBytes = 512});
  bool refused = false;
  while (!stream.empty()) {
    const std::string_view piece = stream.substr(0, step);
    stream.remove_prefix(piece.size());
    if (!reader.feed(piece.data(), piece.size())) return 0;
    for (;;) {
      const auto result = reader.next();
      if (result == RequestReader::Result::NeedMore) break;
      if (result == RequestReader::Result::Error) {
        const ReadError& e = reader.error();
        if (e.status < 400 || e.status > 599 || e.code.empty()) std::abort();
        refused = true;
        break;
      }
      if (refused) std::abort();  // nothing is read after a refusal
      const ReadRequest& r = reader.request();
      if (r.body.size() > 512 || r.method.empty() || r.path.empty()) std::abort();
      reader.takeContinue();
    }
    if (refused && reader.next() != RequestReader::Result::Error) std::abort();
  }
  return 0;
}
