#include "agape/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include "agape/crypto.h"

namespace agape {
namespace {

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::system_error(error, std::generic_category(), what);
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

void writeFileDurably(const std::string& path, std::string_view bytes, ExistingFile existing,
                      const std::string& scratchDirectory) {
  const std::filesystem::path target(path);
  const std::filesystem::path scratch = scratchDirectory.empty() ? target.parent_path() : std::filesystem::path(scratchDirectory);
  std::string name = target.filename().string();
  name.insert(0, 1, '.').append(".").append(hexEncode(randomBytes(8))).append(".part");
  const std::string tmp = scratch / name;
  Descriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("cannot create a temporary file for " + target.filename().string(), errno);
  const auto dropTemporary = [&](const std::string& step) {
    const int error = errno;
    ::unlink(tmp.c_str());
    fail(step + " " + target.filename().string(), error);
  };
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) dropTemporary("cannot write");
    done += static_cast<std::size_t>(n);
  }
  // On disk before it has the name: a crash never leaves a short file behind it.
  if (::fsync(fd.get()) != 0) dropTemporary("cannot sync");
  if (::close(fd.release()) != 0) dropTemporary("cannot close");
  if (existing == ExistingFile::Keep) {
    if (::link(tmp.c_str(), path.c_str()) != 0) dropTemporary("cannot name");
    ::unlink(tmp.c_str());
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    dropTemporary("cannot name");
  }
}

std::optional<std::string> readWholeFile(const std::string& path) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot open " + std::filesystem::path(path).filename().string(), errno);
  }
  std::string out;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read " + std::filesystem::path(path).filename().string(), errno);
    if (n == 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace agape
