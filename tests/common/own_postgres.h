#pragma once
// A PostgreSQL server of the test's own, for tests that stop and start it
// (outages). It is made by scripts/pg-test-server.sh in a fresh temporary
// directory on a free port, comes back on the same port after halt(), and
// is stopped and removed with its data when the object goes, even when the
// test failed. Never the shared server of AGAPE_TEST_PG_URL, which other
// tests use at the same time.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <agape/testing/command.h>

namespace agape::test {

class OwnPostgres {
 public:
  // `extraOptions`: server settings such as "-c max_connections=12".
  // Commits are synchronous, unlike on the shared test server: an outage
  // test checks that nothing a client was told is saved gets lost.
  explicit OwnPostgres(const std::string& extraOptions = "")
      : extraOptions_("-c synchronous_commit=on " + extraOptions) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "agape-own-pg-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    url_ = script("start");
    if (url_.rfind("postgresql://", 0) != 0) {
      const std::string output = url_;
      script("stop");
      throw std::runtime_error("could not start PostgreSQL: " + output);
    }
  }
  ~OwnPostgres() {
    try {
      script("stop");
    } catch (const std::exception&) {
      // The script could not run: the directory stays behind in /tmp, which must not abort the test binary.
    }
  }
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;

  const std::string& url() const { return url_; }

  // pg_ctl stop -m fast|immediate, keeping the data.
  void halt(const std::string& mode = "fast") { script("halt", mode); }
  // Back on the same port; throws if it does not come back there.
  void start() {
    const std::string url = script("start");
    if (url != url_) throw std::runtime_error("PostgreSQL came back as " + url + " instead of " + url_);
  }

 private:
  // Runs the script; its output without the trailing newline.
  std::string script(const std::string& command, const std::string& arg = "") const {
    const std::string line = "PG_EXTRA_OPTIONS='" + extraOptions_ + "' " AGAPE_SOURCE_DIR "/scripts/pg-test-server.sh " +
                             command + " '" + dir_ + "'" + (arg.empty() ? "" : " " + arg) + " 2>&1";
    const auto ran = agape::testing::runCommand(line);
    if (ran.exitCode == -1 && ran.output.empty()) throw std::runtime_error("cannot run pg-test-server.sh");
    std::string out = ran.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  std::string extraOptions_;
  std::string dir_;
  std::string url_;
};

}  // namespace agape::test
