#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.h"

namespace agape::test {

namespace fs = std::filesystem;

// Listening ports come from below the kernel's ephemeral range (32768 and
// up by default): a port picked from the ephemeral range can be taken by an
// outgoing connection (HTTP clients, database pools) between the check here
// and the server's bind.
int freePort() {
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  std::uniform_int_distribution<int> pick(20000, 32000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    int port = pick(rng);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return port;
  }
  throw std::runtime_error("no free port between 20000 and 32000");
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "agape-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string p = path_ + "/" + name;
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream(p) << content;
  return p;
}

namespace {

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, const std::string& logFile,
            const std::string& inputFile = "", int maxOpenFiles = 0) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (maxOpenFiles > 0) {
      const rlimit lim{static_cast<rlim_t>(maxOpenFiles), static_cast<rlim_t>(maxOpenFiles)};
      setrlimit(RLIMIT_NOFILE, &lim);
    }
    int fd = open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    if (!inputFile.empty()) {
      int in = open(inputFile.c_str(), O_RDONLY);
      dup2(in, 0);
      close(in);
    }
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    std::string bin = AGAPE_BINARY;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int decode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status); }

}  // namespace

CommandResult runAgape(const std::vector<std::string>& args, const std::vector<std::string>& env,
                       const std::string& input) {
  TempDir dir;
  std::string log = dir.path() + "/out.log";
  std::string inputFile = dir.write("stdin.txt", input);
  pid_t pid = spawn(args, env, log, inputFile);
  int status = 0;
  waitpid(pid, &status, 0);
  return {decode(status), readFile(log)};
}

ServerProcess::ServerProcess(const std::vector<std::string>& args, int port, const std::vector<std::string>& env,
                             int maxOpenFiles)
    : port_(port) {
  char tmpl[] = "/tmp/agape-server-XXXXXX.log";
  int fd = mkstemps(tmpl, 4);
  close(fd);
  logFile_ = tmpl;
  pid_ = spawn(args, env, logFile_, "", maxOpenFiles);
}

ServerProcess::~ServerProcess() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::remove(logFile_.c_str());
}

namespace {

// Whether process `pid` holds the socket listening on TCP port `port`
// (IPv4). Two tests can be handed the same free port: the other one's server
// then answers /healthz on it while ours fails to bind, so an answer alone
// does not say the server is ours.
bool listensOn(pid_t pid, int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line, inode;
  std::getline(tcp, line);  // the header
  while (inode.empty() && std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, socketInode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> socketInode;
    const auto colon = local.find(':');
    if (state == "0A" && colon != std::string::npos && std::stoi(local.substr(colon + 1), nullptr, 16) == port)
      inode = socketInode;  // 0A: LISTEN
  }
  if (inode.empty()) return false;
  const std::string target = "socket:[" + inode + "]";
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code linkError;
    if (fs::read_symlink(fd.path(), linkError).string() == target) return true;
  }
  return false;
}

}  // namespace

bool ServerProcess::waitReady(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exitCode_ = decode(status);
      return false;
    }
    try {
      HttpClient c(base());
      if (c.get("/healthz").status == 200 && listensOn(pid_, port_)) return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int ServerProcess::terminate(std::chrono::seconds timeout) {
  if (exited_) return exitCode_;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exitCode_ = decode(status);
      return exitCode_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  exited_ = true;
  exitCode_ = decode(status);
  return exitCode_;
}

void ServerProcess::kill9() {
  if (exited_) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  exitCode_ = decode(status);
}

bool ServerProcess::running() {
  if (exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  exitCode_ = decode(status);
  return false;
}

std::string ServerProcess::output() const { return readFile(logFile_); }

std::string testConfig(const TempDir& dir, int port, const std::vector<std::string>& plugins,
                       const std::string& extra, const std::string& databaseUrl) {
  std::ostringstream y;
  y << "environment: development\n"
    << "dataDir: " << dir.path() << "/data\n"
    << "server:\n  host: 127.0.0.1\n  port: " << port << "\n  shutdownGrace: 5s\n  checkResponses: true\n"
    << "database:\n  url: " << (databaseUrl.empty() ? "sqlite://" + dir.path() + "/data/agape.db" : databaseUrl) << "\n"
    << "logging:\n  level: info\n  accessLog: true\n"
    << "plugins:\n  paths: [" << AGAPE_PLUGIN_DIR << "]\n  migrationPaths: [" << dir.path() << "/migrations]\n"
    << "  enabled: [";
  for (std::size_t i = 0; i < plugins.size(); ++i) y << (i ? ", " : "") << plugins[i];
  y << "]\n" << extra;
  return y.str();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace agape::test
