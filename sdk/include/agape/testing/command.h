#pragma once
// A shell command a test runs (an outside checker such as pdftotext,
// promtool, Python's csv module): its standard output and exit code.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace agape::testing {

struct CommandResult {
  int exitCode = -1;  // -1: it could not be run, or did not exit normally
  std::string output;  // stdout only: add 2>&1 to the command for stderr
};

inline CommandResult runCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  return result;
}

}  // namespace agape::testing
