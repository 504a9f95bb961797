#pragma once
// A fresh temporary folder for one test, removed with everything in it.

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace agape::testing {

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("agape-test-" + randomSuffix())) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;  // best effort: a leftover folder must not fail a test
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to `relative`, creating folders on the way.
  void write(const std::string& relative, const std::string& content) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + file.string());
  }

 private:
  static std::string randomSuffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 12; ++i) out += kHex[rng() % 16];
    return out;
  }

  std::filesystem::path path_;
};

}  // namespace agape::testing
