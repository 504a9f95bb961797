#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace agape::test {

// A free TCP port on 127.0.0.1 (bound then released).
int freePort();

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;  // returns the file path

 private:
  std::string path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `agape <args>` to completion, with `input` on its standard input.
CommandResult runAgape(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                       const std::string& input = "");

// A running `agape serve`.
class ServerProcess {
 public:
  // `maxOpenFiles` > 0: the process's descriptor limit (soft and hard), as `ulimit -n` would set it.
  ServerProcess(const std::vector<std::string>& args, int port, const std::vector<std::string>& env = {},
                int maxOpenFiles = 0);
  ~ServerProcess();
  // Waits until /healthz answers 200; false if the process exited or time ran out.
  bool waitReady(std::chrono::seconds timeout = std::chrono::seconds(20));
  // SIGTERM, then the exit code (or -signal).
  int terminate(std::chrono::seconds timeout = std::chrono::seconds(20));
  // SIGKILL (a crash: nothing runs on the way out), then waits for the process.
  void kill9();
  // False once the process has exited (a crash included).
  bool running();
  // The exit code (or -signal) once it has exited; -1 while it runs.
  int exitCode() const { return exitCode_; }
  std::string output() const;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_;
  std::string logFile_;
  bool exited_ = false;
  int exitCode_ = -1;
};

// Polls `condition` (every 50 ms) until it holds or `timeout` passes: for
// progress another process makes (jobs, event deliveries). False on timeout.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A YAML config for a test server: the given plugins enabled from the build
// tree, SQLite (or `databaseUrl`) in `dir`; `extra` appended verbatim.
std::string testConfig(const TempDir& dir, int port, const std::vector<std::string>& plugins,
                       const std::string& extra = "", const std::string& databaseUrl = "");

}  // namespace agape::test
