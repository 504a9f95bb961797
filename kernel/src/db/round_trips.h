#pragma once
// Round trips to the database made by this thread (on SQLite, statements):
// the access log shows each request's.

#include <cstdint>

namespace agape::kernel {

inline thread_local std::uint64_t tDbRoundTrips = 0;

}  // namespace agape::kernel
