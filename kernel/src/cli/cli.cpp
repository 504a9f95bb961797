#include "cli/cli.h"

#include <csignal>
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
  plugins list     list enabled plugins: id, version, dependencies, routes
  config check     validate the configuration and every plugin's section
  version          print the version, SDK ABI and build signature

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
    {"version", "Usage: agape version\n\nPrints the server version, SDK version, ABI version and build signature.\n"},
};

struct Args {
  std::string command;
  std::string sub;
  std::string config;
  std::vector<std::string> overrides;
  bool help = false;
};

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
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
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else positional.push_back(arg);
  }
  if (!positional.empty()) a.command = positional[0];
  if (positional.size() > 1) a.sub = positional[1];
  if (positional.size() > 2) throw UsageError("unexpected argument " + positional[2]);
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
  app->openDatabase();
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
  }
  return kOk;
}

int configCheck(const Args& a) {
  if (a.sub != "check") throw UsageError("config needs 'check'");
  auto app = makeApp(a);
  app->loadPlugins();
  std::cout << a.config << ": OK (" << app->plugins().plugins().size() << " plugins)\n";
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

int runCliImpl(int argc, char** argv) {
  Args a;
  try {
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
    if (a.command == "version") return version();
    throw UsageError("unknown command '" + a.command + "'");
  } catch (const UsageError& e) {
    std::cerr << "agape: " << e.what() << "\n(see agape --help)\n";
    return kUsage;
  } catch (const ConfigError& e) {
    std::cerr << "agape: configuration error: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "agape: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace agape::kernel
