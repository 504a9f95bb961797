#pragma once
// A small tmpfs (16 MiB) mounted at a directory, then filled up by a filler
// file: a full disk under a server, without touching the machine's own.
// Needs root; mounted() says whether it could be made (tests skip if not).
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace agape::test {

class SmallDisk {
 public:
  explicit SmallDisk(const std::string& path) : path_(path) {
    std::filesystem::create_directories(path);
    mounted_ = ::getuid() == 0 && ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=16m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  // Writes a filler file until the disk is full.
  void fill() {
    std::ofstream out(path_ + "/filler", std::ios::binary);
    const std::string chunk(4096, 'f');
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) out.flush();
  }
  void free() { std::filesystem::remove(path_ + "/filler"); }

 private:
  std::string path_;
  bool mounted_ = false;
};

}  // namespace agape::test
