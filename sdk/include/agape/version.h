#pragma once
// The SDK's compatibility promise: a plugin is loaded only when its ABI version
// and build signature equal the kernel's.

namespace agape {

// Bumped on any change of a virtual interface or value type layout in the SDK.
inline constexpr unsigned kAbiVersion = 11;

}  // namespace agape

#define AGAPE_SDK_VERSION "0.1.0"

// Types whose identity must be shared between the kernel and plugins
// (exceptions caught across the boundary) stay visible even when a plugin
// builds with hidden visibility.
#define AGAPE_API __attribute__((visibility("default")))

#define AGAPE_DETAIL_STR2(x) #x
#define AGAPE_DETAIL_STR(x) AGAPE_DETAIL_STR2(x)

#if defined(__clang__)
#define AGAPE_DETAIL_COMPILER "clang-" AGAPE_DETAIL_STR(__clang_major__)
#elif defined(__GNUC__)
#define AGAPE_DETAIL_COMPILER "gcc-" AGAPE_DETAIL_STR(__GNUC__)
#else
#define AGAPE_DETAIL_COMPILER "unknown"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define AGAPE_DETAIL_STDLIB "libstdc++-cxx11abi" AGAPE_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define AGAPE_DETAIL_STDLIB "libc++"
#else
#define AGAPE_DETAIL_STDLIB "unknown-stdlib"
#endif

#if defined(NDEBUG)
#define AGAPE_DETAIL_BUILD_TYPE "release"
#else
#define AGAPE_DETAIL_BUILD_TYPE "debug"
#endif

// compiler;C++ standard;standard library ABI;build type — e.g.
// "gcc-12;c++202002L;libstdc++-cxx11abi1;release".
#define AGAPE_BUILD_SIGNATURE                                                                \
  AGAPE_DETAIL_COMPILER ";c++" AGAPE_DETAIL_STR(__cplusplus) ";" AGAPE_DETAIL_STDLIB ";" \
      AGAPE_DETAIL_BUILD_TYPE
