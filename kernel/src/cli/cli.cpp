#include "cli/cli.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <pthread.h>
#include <string>
#include <vector>

#include "agape/config.h"
#include "agape/version.h"
#include "app/application.h"
#include "log/log.h"
#include "secrets/sealing_keys.h"

namespace agape::kernel {

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kMainHelp = R"(agape — commerce server

Usage: agape <command> [options]

Commands:
  serve            run the HTTP server
  migrate up       apply pending database migrations
  migrate status   list migrations and whether they are applied
  plugins list     list enabled plugins: id, version, dependencies, routes, commands
  config check     validate the configuration and every plugin's section
  jobs stats       jobs per queue: pending, running, done, failed, dead, oldest pending age
  jobs dead        list dead-lettered jobs [--queue Q] [--limit N]
  jobs retry ID    put a dead-lettered job back in its queue
  jobs run P.NAME  run plugin P's schedule NAME now (a running server takes it)
  secrets rotate   write a new sealing key (2FA secrets, one-time links)
  version          print the version, SDK ABI and build signature

Plugins add commands of their own (e.g. agape users create); agape plugins
list shows them, agape <command> --help explains one.

Common options:
  --config FILE    configuration file (default: $AGAPE_CONFIG or config/agape.yaml)
  --set PATH=VALUE override one configuration value (repeatable)
  --help           help for a command

Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.
)";

const std::map<std::string, std::string> kCommandHelp = {
    {"serve", "Usage: agape serve [--config FILE] [--set PATH=VALUE]...\n\n"
              "Loads the enabled plugins, applies pending migrations (database.autoMigrate),\n"
              "starts every plugin in dependency order and serves HTTP until SIGTERM or\n"
              "SIGINT, then drains in-flight requests and stops plugins in reverse order.\n"},
    {"migrate", "Usage: agape migrate up|status [--config FILE] [--set PATH=VALUE]...\n\n"
                "up      apply pending migrations of every enabled plugin, in dependency order\n"
                "status  list every migration: plugin, version, name, applied at\n"},
    {"plugins", "Usage: agape plugins list [--config FILE] [--set PATH=VALUE]...\n\n"
                "Loads and provisions the enabled plugins without a database and prints each\n"
                "one's id, version, dependencies and routes.\n"},
    {"config", "Usage: agape config check [--config FILE] [--set PATH=VALUE]...\n\n"
               "Decodes the kernel sections and every enabled plugin's section strictly;\n"
               "prints the first error with its key path and file:line:col.\n"},
    {"jobs", "Usage: agape jobs stats|dead|retry ID|run PLUGIN.NAME [--queue Q] [--limit N] [--config FILE] [--set PATH=VALUE]...\n\n"
             "stats     one line per queue: pending (first run), running, done, failed (waiting\n"
             "          for a retry), dead, and the age of the oldest runnable pending job\n"
             "dead      dead-lettered jobs, newest first: id, queue, attempts, failed at, last\n"
             "          error (--queue Q: only that queue; --limit N: at most N, default 100)\n"
             "retry ID  puts dead job ID back to pending with a fresh attempt count; exit 1\n"
             "          when no dead job has that id\n"
             "run PLUGIN.NAME\n"
             "          makes the schedule's next tick now (e.g. payments.settle_refunds): a running\n"
             "          server enqueues its job once within jobs.pollInterval, then the schedule\n"
             "          goes on as before; exit 1 when no server has declared that schedule\n"},
    {"secrets", "Usage: agape secrets rotate [--config FILE] [--set PATH=VALUE]...\n\n"
                "Writes a new sealing key (AES-256, mode 0600) into secretsDir (default\n"
                "<dataDir>/secrets). Copy it to every instance's secretsDir (or use a shared\n"
                "directory); each instance seals with it from its next restart, and opens values\n"
                "sealed with it at once. Keep the older keys: they still open what they sealed.\n"},
    {"version", "Usage: agape version\n\nPrints the server version, SDK version, ABI version and build signature.\n"},
};

struct Args {
  std::string command;
  std::string sub;
  std::string config;
  std::vector<std::string> overrides;
  bool help = false;
  std::string arg;  // a third positional argument (jobs retry ID, jobs run PLUGIN.NAME)
  std::string queue;
  int limit = 100;
};

// The kernel's global options (--help, --config, --set), shared by the
// built-in commands and plugin commands. Returns false for any other argument.
bool takeGlobalOption(int argc, char** argv, int& i, Args& a) {
  std::string arg = argv[i];
  auto value = [&](const std::string& flag) {
    if (i + 1 >= argc) throw UsageError(flag + " needs a value");
    return std::string(argv[++i]);
  };
  if (arg == "--help" || arg == "-h") a.help = true;
  else if (arg == "--config") a.config = value(arg);
  else if (arg.rfind("--config=", 0) == 0) a.config = arg.substr(9);
  else if (arg == "--set") a.overrides.push_back(value(arg));
  else if (arg.rfind("--set=", 0) == 0) a.overrides.push_back(arg.substr(6));
  else return false;
  return true;
}

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (takeGlobalOption(argc, argv, i, a)) continue;
    auto value = [&](const std::string& flag) {
      if (i + 1 >= argc) throw UsageError(flag + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--queue") a.queue = value(arg);
    else if (arg.rfind("--queue=", 0) == 0) a.queue = arg.substr(8);
    else if (arg == "--limit" || arg.rfind("--limit=", 0) == 0) {
      std::string v = arg == "--limit" ? value(arg) : arg.substr(8);
      try {
        std::size_t used = 0;
        a.limit = std::stoi(v, &used);
        if (used != v.size() || a.limit < 1 || a.limit > 10000) throw std::invalid_argument(v);
      } catch (const std::logic_error&) {
        throw UsageError("--limit needs a number between 1 and 10000");
      }
    }
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else positional.push_back(arg);
  }
  if (!positional.empty()) a.command = positional[0];
  if (positional.size() > 1) a.sub = positional[1];
  if (positional.size() > 2) a.arg = positional[2];
  if (positional.size() > 3) throw UsageError("unexpected argument " + positional[3]);
  if (!a.arg.empty() && !(a.command == "jobs" && (a.sub == "retry" || a.sub == "run")))
    throw UsageError("unexpected argument " + a.arg);
  if ((!a.queue.empty() || a.limit != 100) && !(a.command == "jobs" && a.sub == "dead"))
    throw UsageError("--queue and --limit go with 'jobs dead'");
  if (a.config.empty()) {
    const char* env = std::getenv("AGAPE_CONFIG");
    a.config = env && *env ? env : "config/agape.yaml";
  }
  return a;
}

std::unique_ptr<Application> makeApp(const Args& a) {
  ConfigDocument doc = ConfigDocument::load(a.config, a.overrides);
  KernelConfig cfg = decodeKernelConfig(doc);
  setLogLevel(parseLogLevel(cfg.logging.level));
  return std::make_unique<Application>(std::move(doc), std::move(cfg));
}

int serve(const Args& a) {
  // Signals are taken synchronously by this thread; every thread started
  // from here on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto app = makeApp(a);
  app->loadPlugins();
  app->openDatabase();
  if (app->config().database.autoMigrate) app->migrate();
  app->provision(true);
  app->start();
  int sig = 0;
  sigwait(&signals, &sig);
  JsonLogger("kernel").info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  app->stop();
  JsonLogger("kernel").info("stopped");
  return kOk;
}

int migrate(const Args& a) {
  if (a.sub != "up" && a.sub != "status") throw UsageError("migrate needs 'up' or 'status'");
  auto app = makeApp(a);
  app->loadPlugins();
  app->openDatabase(a.sub == "up");
  if (a.sub == "up") {
    int n = app->migrate();
    std::cout << "applied " << n << " migration" << (n == 1 ? "" : "s") << "\n";
    return kOk;
  }
  auto entries = app->migrationStatus();
  std::cout << "PLUGIN\tVERSION\tNAME\tSTATUS\n";
  for (const auto& e : entries)
    std::cout << e.pluginId << '\t' << e.version << '\t' << e.name << '\t'
              << (e.modified ? "MODIFIED" : e.applied ? "applied " + e.appliedAt : "pending") << "\n";
  return kOk;
}

int pluginsList(const Args& a) {
  if (a.sub != "list") throw UsageError("plugins needs 'list'");
  auto app = makeApp(a);
  app->loadPlugins();
  app->provision(false);
  for (const auto& p : app->plugins().plugins()) {
    std::cout << p.id << " " << p.version << "\n  library: " << p.path << "\n  depends on: ";
    std::string deps;
    for (const auto& d : p.dependencies) deps += (deps.empty() ? "" : ", ") + d;
    for (const auto& d : p.optionalDependencies) deps += (deps.empty() ? "" : ", ") + d + " (optional)";
    std::cout << (deps.empty() ? "-" : deps) << "\n  routes:\n";
    for (const auto& r : app->router().routes())
      if (r.pluginId == p.id) std::cout << "    " << methodName(r.method) << " " << r.pathTemplate << "\n";
    bool header = false;
    for (const auto& [name, c] : app->commands().all()) {
      if (c.pluginId != p.id) continue;
      if (!header) std::cout << "  commands:\n";
      header = true;
      std::cout << "    agape " << name << "\n";
    }
  }
  return kOk;
}

int secrets(const Args& a) {
  if (a.sub != "rotate") throw UsageError("secrets needs 'rotate'");
  ConfigDocument doc = ConfigDocument::load(a.config, a.overrides);
  const KernelConfig cfg = decodeKernelConfig(doc);
  std::cout << "new sealing key: " << SealingKeys::addKey(cfg.secretsDir).string()
            << "\ncopy it to every instance's secretsDir, then restart them; keep the older keys\n";
  return kOk;
}

int configCheck(const Args& a) {
  if (a.sub != "check") throw UsageError("config needs 'check'");
  auto app = makeApp(a);
  app->loadPlugins();
  std::cout << a.config << ": OK (" << app->plugins().plugins().size() << " plugins)\n";
  return kOk;
}

std::string formatUtc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// One line of text: tabs and newlines in an error would break the columns.
std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

int jobs(const Args& a) {
  if (a.sub != "stats" && a.sub != "dead" && a.sub != "retry" && a.sub != "run")
    throw UsageError("jobs needs 'stats', 'dead', 'retry' or 'run'");
  if (a.sub == "retry" && a.arg.empty()) throw UsageError("jobs retry needs a job id");
  // Plugin ids may be dotted (acme.loyalty); schedule names are not.
  const auto dot = a.arg.rfind('.');
  if (a.sub == "run" && (dot == std::string::npos || dot == 0 || dot + 1 == a.arg.size()))
    throw UsageError("jobs run needs PLUGIN.NAME, e.g. payments.settle_refunds");
  auto app = makeApp(a);
  app->openDatabase();
  JobRunner& runner = app->jobs();
  if (a.sub == "stats") {
    std::cout << "QUEUE\tPENDING\tRUNNING\tDONE\tFAILED\tDEAD\tOLDEST_PENDING_S\n";
    for (const auto& s : runner.store().stats())
      std::cout << s.queue << '\t' << s.pending << '\t' << s.running << '\t' << s.done << '\t' << s.failed << '\t'
                << s.dead << '\t' << static_cast<long long>(s.oldestPendingSeconds) << "\n";
    return kOk;
  }
  if (a.sub == "dead") {
    std::cout << "ID\tQUEUE\tATTEMPTS\tFAILED_AT\tLAST_ERROR\n";
    for (const auto& d : runner.store().deadLetters(a.queue, a.limit))
      std::cout << d.id << '\t' << d.queue << '\t' << d.attempts << '\t' << formatUtc(d.failedAt) << '\t'
                << oneLine(d.lastError) << "\n";
    return kOk;
  }
  if (a.sub == "run") {
    if (!runner.store().dueNow(a.arg.substr(0, dot), a.arg.substr(dot + 1))) {
      std::cerr << "agape: no schedule " << a.arg << " (a server declares its plugins' schedules when it starts)\n";
      return kFailure;
    }
    std::cout << "schedule " << a.arg << " is due now\n";
    return kOk;
  }
  if (!runner.retry(a.arg)) {
    std::cerr << "agape: no dead job with id " << a.arg << "\n";
    return kFailure;
  }
  std::cout << "job " << a.arg << " is pending again\n";
  return kOk;
}

int version() {
  std::cout << "agape " << AGAPE_VERSION << "\nSDK " << AGAPE_SDK_VERSION << " (ABI " << kAbiVersion
            << ")\nbuild " << AGAPE_BUILD_SIGNATURE << "\n";
  return kOk;
}

}  // namespace

int runCliImpl(int argc, char** argv);

int runCli(int argc, char** argv) {
  int code = runCliImpl(argc, argv);
  flushLogs();
  return code;
}

// `agape <plugin command> [args]`: --config, --set and --help are the
// kernel's; every other argument goes to the plugin's handler in order.
int pluginCommand(int argc, char** argv) {
  Args a;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (takeGlobalOption(argc, argv, i, a)) continue;
    rest.push_back(arg);
  }
  if (a.config.empty()) {
    const char* env = std::getenv("AGAPE_CONFIG");
    a.config = env && *env ? env : "config/agape.yaml";
  }
  auto app = makeApp(a);
  app->loadPlugins();
  if (!a.help) {
    app->openDatabase();
    if (app->config().database.autoMigrate) app->migrate();
  }
  app->provision(!a.help);
  std::size_t used = 0;
  const auto* entry = app->commands().find(rest, used);
  if (!entry) throw UsageError("unknown command '" + rest.front() + "'");
  if (a.help) {
    std::cout << entry->help << (entry->help.empty() || entry->help.back() != '\n' ? "\n" : "");
    return kOk;
  }
  std::vector<std::string> args(rest.begin() + static_cast<std::ptrdiff_t>(used), rest.end());
  CommandIo io{args, std::cin, std::cout, std::cerr};
  return entry->handler(io);
}

bool isKernelCommand(const std::string& word) {
  for (const char* k : {"serve", "migrate", "plugins", "config", "jobs", "secrets", "version"})
    if (word == k) return true;
  return false;
}

// The first word that is not an option or an option's value.
std::string firstWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" || arg == "--set" || arg == "--queue" || arg == "--limit") {
      ++i;
      continue;
    }
    if (arg.rfind("-", 0) == 0) continue;
    return arg;
  }
  return {};
}

int runCliImpl(int argc, char** argv) {
  Args a;
  try {
    std::string word = firstWord(argc, argv);
    if (!word.empty() && !isKernelCommand(word)) return pluginCommand(argc, argv);
    a = parse(argc, argv);
    if (a.command.empty()) {
      std::cout << kMainHelp;
      return a.help ? kOk : kUsage;
    }
    if (a.help) {
      auto it = kCommandHelp.find(a.command);
      if (it == kCommandHelp.end()) throw UsageError("unknown command '" + a.command + "'");
      std::cout << it->second;
      return kOk;
    }
    if (a.command == "serve") return serve(a);
    if (a.command == "migrate") return migrate(a);
    if (a.command == "plugins") return pluginsList(a);
    if (a.command == "config") return configCheck(a);
    if (a.command == "jobs") return jobs(a);
    if (a.command == "secrets") return secrets(a);
    if (a.command == "version") return version();
    throw UsageError("unknown command '" + a.command + "'");
  } catch (const UsageError& e) {
    // Each message in one write: the logger's thread may be writing lines
    // to the same terminal or file at the same moment.
    std::cerr << std::string("agape: ") + e.what() + "\n(see agape --help)\n";
    return kUsage;
  } catch (const ConfigError& e) {
    std::cerr << std::string("agape: configuration error: ") + e.what() + "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << std::string("agape: ") + e.what() + "\n";
    return kFailure;
  }
}

}  // namespace agape::kernel
