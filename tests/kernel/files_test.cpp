// Files written whole or not at all (agape/files.h): a kept name is never
// overwritten, a replaced one is swapped in one step, no temporary file is
// left on any path out, and a missing file is nullopt while other errors throw.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <agape/files.h>
#include <agape/testing/temp_dir.h>

namespace agape {
namespace {

std::size_t filesIn(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(Files, KeepNeverOverwritesAndReplaceSwapsTheFile) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "invoice.pdf").string();
  EXPECT_EQ(readWholeFile(path), std::nullopt);
  writeFileDurably(path, "first", ExistingFile::Keep);
  EXPECT_EQ(readWholeFile(path), "first");
  try {
    writeFileDurably(path, "second", ExistingFile::Keep);
    ADD_FAILURE() << "an existing file was overwritten";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EEXIST);
  }
  EXPECT_EQ(readWholeFile(path), "first");
  writeFileDurably(path, std::string(200'000, 'x'), ExistingFile::Replace);
  EXPECT_EQ(readWholeFile(path), std::string(200'000, 'x'));
  EXPECT_EQ(filesIn(dir.path()), 1u);  // no temporary file left
}

TEST(Files, TheTemporaryFileGoesToTheScratchDirectoryAndIsRemovedOnFailure) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "scratch");
  const std::string scratch = (dir.path() / "scratch").string();
  writeFileDurably((dir.path() / "a").string(), "bytes", ExistingFile::Keep, scratch);
  EXPECT_EQ(readWholeFile((dir.path() / "a").string()), "bytes");
  EXPECT_THROW(writeFileDurably((dir.path() / "a").string(), "again", ExistingFile::Keep, scratch), std::system_error);
  EXPECT_EQ(filesIn(dir.path() / "scratch"), 0u);
  // A directory that is not there: an error naming the file, not a crash.
  EXPECT_THROW(writeFileDurably((dir.path() / "none" / "b").string(), "x", ExistingFile::Replace), std::system_error);
  // A directory where a file is expected cannot be read as one.
  EXPECT_THROW(readWholeFile(scratch), std::system_error);
}

}  // namespace
}  // namespace agape
