#pragma once
// Relative paths in the configuration mean "relative to the file", so that
// the same file works whatever directory the server is started from.

#include <string>

namespace agape::kernel {

// `dir` made absolute (against the working directory) and normalised,
// without a trailing separator.
std::string absoluteDirectory(const std::string& dir);

// `path` unchanged in meaning if absolute, else joined to `baseDir`;
// normalised ("a/./b/../c" -> "a/c"), without a trailing separator.
std::string resolvePath(const std::string& baseDir, const std::string& path);

// A database URL with a relative SQLite file resolved against `baseDir`
// ("sqlite://../data/agape.db" -> "sqlite:///srv/agape/data/agape.db").
// Absolute SQLite files, ":memory:" and other schemes are returned as is.
std::string resolveDatabaseUrl(const std::string& baseDir, const std::string& url);

}  // namespace agape::kernel
