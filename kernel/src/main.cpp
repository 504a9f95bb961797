#include <malloc.h>

#include "cli/cli.h"

namespace {

// glibc gives freed memory back to the system as soon as the top of a
// thread's heap holds more than 128 KiB free, with madvise(MADV_DONTNEED):
// each call flushes the TLB of every core, and the next request faults the
// pages back in. Request-sized buffers (a 20 KiB product page, its copies in
// the response path) cross that line on every request once several worker
// threads have their own heaps; measured, it was the largest single cost of
// serving a cached product list. Keep up to 64 MiB per heap, and serve
// allocations below 16 MiB from the heap rather than fresh mappings.
void tuneAllocator() {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  tuneAllocator();
  return agape::kernel::runCli(argc, argv);
}
