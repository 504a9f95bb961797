#pragma once
// Files a crash never leaves half-written under their name: the bytes go to
// a temporary file, are synced to disk, and only then take the name.
#include <optional>
#include <string>
#include <string_view>

namespace agape {

enum class ExistingFile {
  Keep,     // the name is taken with link(2): an existing file is an error (EEXIST)
  Replace,  // rename(2): readers see the old file or the new one, never a mix
};

// Writes `bytes` as `path`. The temporary file is made in `scratchDirectory`
// (same file system as `path`; its parent when empty) and removed on every
// path out. Throws std::system_error (errno's code) naming the step.
void writeFileDurably(const std::string& path, std::string_view bytes, ExistingFile existing,
                      const std::string& scratchDirectory = {});

// The whole file; nullopt when there is none. Throws std::system_error when
// it exists and cannot be read.
std::optional<std::string> readWholeFile(const std::string& path);

}  // namespace agape
