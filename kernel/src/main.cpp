#include <malloc.h>

#include "cli/cli.h"

namespace {

// glibc gives freed memory back to the system as soon as the top of a
// thread's heap holds more than 128 KiB free, with madvise(MADV_DONTNEED):
// each call flushes the TLB of every core, and the next request faults the
// pages back in. Request-sized buffers (a 20 KiB product page, its copies in
// the response path) cross that line on every request once several worker
// threads have their own heaps; measured, it was the largest single cost of
// serving a cached product list. Keep up to 64 MiB per heap. Buffers of a
// MiB and more (an image upload's body, its file, its decode) get mappings
// of their own, returned when freed: kept in the heaps, eight 10 MiB
// uploads left ~380 MiB resident for good (docs/performance.md#media).
void tuneAllocator() {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  tuneAllocator();
  return agape::kernel::runCli(argc, argv);
}
