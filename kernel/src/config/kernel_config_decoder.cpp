#include "config/kernel_config_decoder.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "config/path_resolution.h"
#include "config/tree_config_view.h"
#include "http/client_address.h"
#include "jobs/cron.h"

namespace agape::kernel {

namespace {

using agape::ConfigDecoder;
using agape::ConfigView;
using Kind = agape::ConfigView::Kind;

constexpr double kMaxRate = 1e9;

std::string joinPath(const ConfigView& map, std::string_view key) {
  std::string base = map.path();
  return (base.empty() ? "" : base + ".") + std::string(key);
}

// The SDK decoder's "is required" for values that are not strings.
std::unique_ptr<ConfigView> requirePresent(const ConfigView& map, std::string_view key) {
  auto v = map.child(key);
  if (!v->present()) {
    std::string loc = map.location();
    throw agape::ConfigError(joinPath(map, key) + ": is required" + (loc.empty() ? "" : " (" + loc + ")"));
  }
  return v;
}

std::string nonEmptyString(ConfigDecoder& d, std::string_view key, std::string fallback) {
  std::string s = d.string(key, std::move(fallback));
  if (s.empty()) d.view().child(key)->fail("must not be empty");
  return s;
}

// A list of directories, each resolved against `baseDir`.
std::vector<std::string> pathList(ConfigDecoder& d, std::string_view key, const std::string& baseDir) {
  auto list = d.section(key);
  if (!list->present()) return {};
  if (list->kind() != Kind::Sequence) list->fail("must be a list of directories");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto item = list->at(i);
    if (item->kind() != Kind::Scalar) item->fail("must be a directory");
    std::string s = item->scalar();
    if (s.empty()) item->fail("must not be empty");
    out.push_back(resolvePath(baseDir, s));
  }
  return out;
}

// A list of strings, each accepted by `valid`, else `problem` is reported
// after the (secret-safe) value.
template <class Valid>
std::vector<std::string> checkedStrings(ConfigDecoder& d, std::string_view key, std::vector<std::string> fallback,
                                        Valid valid, std::string_view problem) {
  auto list = d.section(key);
  if (!list->present()) return fallback;
  if (list->kind() != Kind::Sequence) list->fail("must be a list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto item = list->at(i);
    if (item->kind() != Kind::Scalar) item->fail("must be a string");
    std::string s = item->scalar();
    if (!valid(s)) item->fail(describeValue(*item) + " " + std::string(problem));
    out.push_back(std::move(s));
  }
  return out;
}

// A list of IP networks (CIDR), each checked where it is written.
std::vector<std::string> cidrList(ConfigDecoder& d, std::string_view key, std::vector<std::string> fallback) {
  auto list = d.section(key);
  if (!list->present()) return fallback;
  if (list->kind() != Kind::Sequence)
    list->fail("must be a list of IP networks such as [127.0.0.1/32, 10.0.0.0/8, \"::1/128\"]");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto item = list->at(i);
    if (item->kind() != Kind::Scalar) item->fail("must be an IP network such as 10.0.0.0/8");
    std::string s = item->scalar();
    std::string why;
    if (!Cidr::parse(s, &why)) item->fail(describeValue(*item) + " " + why);
    out.push_back(std::move(s));
  }
  return out;
}

bool isOrigin(const std::string& s) {
  if (s == "*") return true;
  std::string_view rest(s);
  if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

bool isHeaderName(const std::string& s) {
  static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

bool isRateLimitClassName(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

CorsConfig decodeCors(const ConfigView& section) {
  CorsConfig c;
  ConfigDecoder d(section);
  c.allowedOrigins = checkedStrings(d, "allowedOrigins", c.allowedOrigins, isOrigin,
                                    "is not an origin such as https://shop.example.ng (scheme://host[:port], "
                                    "no path or trailing slash) or \"*\"");
  c.allowedHeaders = checkedStrings(d, "allowedHeaders", c.allowedHeaders, isHeaderName, "is not a header name");
  c.exposedHeaders = checkedStrings(d, "exposedHeaders", c.exposedHeaders, isHeaderName, "is not a header name");
  c.allowCredentials = d.boolean("allowCredentials", c.allowCredentials);
  c.maxAge = std::chrono::duration_cast<std::chrono::seconds>(d.duration("maxAge", c.maxAge));
  d.finish();
  // Browsers refuse credentials with a wildcard origin; saying so here beats
  // a CORS failure in the storefront.
  bool wildcard = std::find(c.allowedOrigins.begin(), c.allowedOrigins.end(), "*") != c.allowedOrigins.end();
  if (c.allowCredentials && wildcard)
    section.child("allowCredentials")->fail("cannot be true when allowedOrigins contains \"*\"");
  return c;
}

RateLimitClass decodeRateLimitClass(const ConfigView& section) {
  if (section.kind() != Kind::Map) section.fail("must be a map such as {requests: 100, per: 1s, burst: 200}");
  RateLimitClass r;
  ConfigDecoder d(section);
  requirePresent(section, "requests");
  r.requests = d.number("requests", r.requests, 0, kMaxRate);
  if (r.requests <= 0) section.child("requests")->fail("must be greater than 0");
  r.per = d.duration("per", std::chrono::seconds(1));
  if (r.per.count() <= 0) section.child("per")->fail("must be greater than 0");
  // Without an explicit burst a client may spend one period's allowance at once.
  r.burst = d.number("burst", std::max(1.0, r.requests), 1, kMaxRate);
  d.finish();
  return r;
}

std::map<std::string, RateLimitClass> decodeRateLimits(const ConfigView& section) {
  if (section.present() && section.kind() != Kind::Map) section.fail("must be a map of class name to limit");
  std::map<std::string, RateLimitClass> out;
  for (const auto& name : section.keys()) {
    auto cls = section.child(name);
    if (!isRateLimitClassName(name))
      cls->fail("invalid class name; use lowercase letters, digits, '_' and '-', starting with a letter");
    if (name == "none") cls->fail("\"none\" is reserved: routes use it to disable rate limiting");
    out.emplace(name, decodeRateLimitClass(*cls));
  }
  out.try_emplace("default", RateLimitClass{});
  return out;
}

ServerConfig decodeServer(const ConfigView& section) {
  ServerConfig s;
  if (auto old = section.child("trustForwardedFor"); old->present())
    old->fail(
        "was replaced by server.trustedProxies (CIDR list): name the proxies whose X-Forwarded-For is "
        "believed, e.g. trustedProxies: [127.0.0.1/32] behind nginx on the same host");
  ConfigDecoder d(section);
  s.host = nonEmptyString(d, "host", s.host);
  s.port = static_cast<int>(d.integer("port", s.port, 0, 65535));
  s.ioThreads = static_cast<int>(d.integer("ioThreads", s.ioThreads, 1, 64));
  s.workerThreads = static_cast<int>(d.integer("workerThreads", s.workerThreads, 1, 256));
  s.maxBodyBytes = d.bytes("maxBodyBytes", s.maxBodyBytes);
  if (s.maxBodyBytes < 1 || s.maxBodyBytes > (std::size_t{1} << 30))
    section.child("maxBodyBytes")->fail("must be between 1 and 1GiB");
  s.shutdownGrace = d.duration("shutdownGrace", s.shutdownGrace);
  s.keepAliveTimeout = d.duration("keepAliveTimeout", s.keepAliveTimeout);
  if (s.keepAliveTimeout.count() <= 0) section.child("keepAliveTimeout")->fail("must be greater than 0");
  s.headerTimeout = d.duration("headerTimeout", s.headerTimeout);
  if (s.headerTimeout.count() <= 0) section.child("headerTimeout")->fail("must be greater than 0");
  s.bodyTimeout = d.duration("bodyTimeout", s.bodyTimeout);
  if (s.bodyTimeout.count() <= 0) section.child("bodyTimeout")->fail("must be greater than 0");
  s.maxConnections = static_cast<int>(d.integer("maxConnections", s.maxConnections, 0, 1'000'000));
  s.workerQueueTimeout = d.duration("workerQueueTimeout", s.workerQueueTimeout);
  if (s.workerQueueTimeout.count() <= 0) section.child("workerQueueTimeout")->fail("must be greater than 0");
  s.sendTimeout = d.duration("sendTimeout", s.sendTimeout);
  if (s.sendTimeout.count() <= 0) section.child("sendTimeout")->fail("must be greater than 0");
  s.trustedProxies = cidrList(d, "trustedProxies", s.trustedProxies);
  s.metricsAllow = cidrList(d, "metricsAllow", s.metricsAllow);
  s.checkResponses = d.boolean("checkResponses", s.checkResponses);
  s.cors = decodeCors(*d.section("cors"));
  s.rateLimits = decodeRateLimits(*d.section("rateLimits"));
  d.finish();
  return s;
}

DatabaseConfig decodeDatabase(const ConfigView& section, const std::string& baseDir) {
  DatabaseConfig db;
  ConfigDecoder d(section);
  std::string url = d.requiredString("url");
  auto urlView = section.child("url");
  // The URL may hold a password: errors describe it without repeating it.
  bool sqlite = url.rfind("sqlite://", 0) == 0;
  bool postgres = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!sqlite && !postgres)
    urlView->fail("must start with sqlite:// or postgresql://" + valueOriginNote(*urlView));
  if (sqlite && (url.size() == 9 || url[9] == '?'))
    urlView->fail("must name a database file, e.g. sqlite://../data/agape.db" + valueOriginNote(*urlView));
  db.url = resolveDatabaseUrl(baseDir, url);
  db.poolSize = static_cast<int>(d.integer("poolSize", db.poolSize, 1, 512));
  db.busyTimeout = d.duration("busyTimeout", db.busyTimeout);
  db.acquireTimeout = d.duration("acquireTimeout", db.acquireTimeout);
  if (db.acquireTimeout.count() <= 0) section.child("acquireTimeout")->fail("must be greater than 0");
  db.connectTimeout = d.duration("connectTimeout", db.connectTimeout);
  if (db.connectTimeout.count() < 1000) section.child("connectTimeout")->fail("must be at least 1s");
  db.lockTimeout = d.duration("lockTimeout", db.lockTimeout);
  db.statementTimeout = d.duration("statementTimeout", db.statementTimeout);
  // libpq counts keep-alive times in whole seconds.
  auto seconds = [&](std::string_view key, std::chrono::milliseconds fallback) {
    auto v = d.duration(key, fallback);
    if (v < std::chrono::seconds(1) || v > std::chrono::hours(2))
      section.child(key)->fail("must be between 1s and 2h");
    return v;
  };
  db.keepalivesIdle = seconds("keepalivesIdle", db.keepalivesIdle);
  db.keepalivesInterval = seconds("keepalivesInterval", db.keepalivesInterval);
  db.keepalivesCount = static_cast<int>(d.integer("keepalivesCount", db.keepalivesCount, 1, 100));
  db.tcpUserTimeout = d.duration("tcpUserTimeout", db.tcpUserTimeout);
  if (db.tcpUserTimeout < std::chrono::seconds(1) || db.tcpUserTimeout > std::chrono::minutes(10))
    section.child("tcpUserTimeout")->fail("must be between 1s and 10m");
  db.autoMigrate = d.boolean("autoMigrate", db.autoMigrate);
  db.preparedStatements = d.boolean("preparedStatements", db.preparedStatements);
  d.finish();
  return db;
}

LoggingConfig decodeLogging(const ConfigView& section) {
  LoggingConfig l;
  ConfigDecoder d(section);
  l.level = d.choice("level", l.level, {"debug", "info", "warn", "error"});
  l.accessLog = d.boolean("accessLog", l.accessLog);
  d.finish();
  return l;
}

JobQueueConfig decodeJobQueue(const ConfigView& section) {
  if (section.kind() != Kind::Map) section.fail("must be a map such as {concurrency: 4, lease: 5m}");
  JobQueueConfig q;
  ConfigDecoder d(section);
  q.concurrency = static_cast<int>(d.integer("concurrency", 0, 1, 256));
  q.lease = d.duration("lease", q.lease);
  if (section.child("lease")->present() && q.lease < std::chrono::seconds(1))
    section.child("lease")->fail("must be at least 1s");
  d.finish();
  return q;
}

std::map<std::string, std::string> decodePluginSchedules(const ConfigView& section) {
  if (section.kind() != Kind::Map) section.fail("must be a map of schedule name to cron expression");
  std::map<std::string, std::string> out;
  for (const auto& name : section.keys()) {
    auto expr = section.child(name);
    if (expr->kind() != Kind::Scalar || expr->scalar().empty())
      expr->fail("must be a cron expression such as \"*/5 * * * *\"");
    std::string error;
    if (!CronExpression::tryParse(expr->scalar(), error)) expr->fail(error);
    out.emplace(name, expr->scalar());
  }
  return out;
}

JobsConfig decodeJobs(const ConfigView& section) {
  JobsConfig j;
  ConfigDecoder d(section);
  j.enabled = d.boolean("enabled", j.enabled);
  j.pollInterval = d.duration("pollInterval", j.pollInterval);
  if (j.pollInterval < std::chrono::milliseconds(10) || j.pollInterval > std::chrono::minutes(1))
    section.child("pollInterval")->fail("must be between 10ms and 1m");
  j.retention = d.duration("retention", j.retention);
  if (j.retention.count() != 0 && j.retention < std::chrono::hours(1))
    section.child("retention")->fail("must be 0 (keep for ever) or at least 1h");
  auto queues = d.section("queues");
  if (queues->present() && queues->kind() != Kind::Map) queues->fail("must be a map of queue name to settings");
  for (const auto& name : queues->keys()) j.queues.emplace(name, decodeJobQueue(*queues->child(name)));
  auto schedules = d.section("schedules");
  if (schedules->present() && schedules->kind() != Kind::Map)
    schedules->fail("must be a map of plugin id to {schedule name: cron expression}");
  for (const auto& plugin : schedules->keys()) j.schedules.emplace(plugin, decodePluginSchedules(*schedules->child(plugin)));
  d.finish();
  return j;
}

void checkPluginId(const ConfigView& idView, const std::string& id) {
  if (!isValidPluginId(id))
    idView.fail(describeValue(idView) +
                " is not a valid plugin id: lowercase words of letters, digits and '_' separated by dots, "
                "e.g. acme.loyalty");
  const auto& kernel = kernelSectionNames();
  if (std::find(kernel.begin(), kernel.end(), id) != kernel.end())
    idView.fail(describeValue(idView) + " is a kernel section and cannot be a plugin id");
}

PluginEntry decodePluginEntry(const ConfigView& item, const std::string& baseDir) {
  PluginEntry e;
  e.location = item.location();
  if (item.kind() == Kind::Scalar) {
    e.id = item.scalar();
    checkPluginId(item, e.id);
    return e;
  }
  if (item.kind() != Kind::Map) item.fail("must be a plugin id or a map {id, file, migrations}");
  ConfigDecoder d(item);
  e.id = d.requiredString("id");
  checkPluginId(*item.child("id"), e.id);
  std::string file = d.string("file", "");
  std::string migrations = d.string("migrations", "");
  d.finish();
  if (!file.empty()) e.file = resolvePath(baseDir, file);
  if (!migrations.empty()) e.migrations = resolvePath(baseDir, migrations);
  return e;
}

PluginsConfig decodePlugins(const ConfigView& section, const std::string& baseDir) {
  PluginsConfig p;
  ConfigDecoder d(section);
  p.paths = pathList(d, "paths", baseDir);
  p.migrationPaths = pathList(d, "migrationPaths", baseDir);
  auto enabled = d.section("enabled");
  d.finish();
  if (!enabled->present()) return p;
  if (enabled->kind() != Kind::Sequence) enabled->fail("must be a list of plugin ids or {id, file, migrations} maps");
  for (std::size_t i = 0; i < enabled->size(); ++i) {
    auto item = enabled->at(i);
    PluginEntry e = decodePluginEntry(*item, baseDir);
    for (const auto& earlier : p.enabled)
      if (earlier.id == e.id)
        item->fail("plugin \"" + e.id + "\" is enabled twice (first at " + earlier.location + ")");
    p.enabled.push_back(std::move(e));
  }
  return p;
}

}  // namespace

const std::vector<std::string>& kernelSectionNames() {
  static const std::vector<std::string> names = {"environment", "dataDir", "secretsDir", "server", "database",
                                                   "logging",     "plugins", "jobs"};
  return names;
}

bool isValidPluginId(std::string_view id) {
  bool wordStart = true;
  for (char c : id) {
    if (wordStart) {
      if (!(c >= 'a' && c <= 'z')) return false;
      wordStart = false;
    } else if (c == '.') {
      wordStart = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return !id.empty() && !wordStart;
}

KernelConfig decodeKernelConfig(const ConfigDocument& doc) {
  KernelConfig c;
  auto root = doc.root();
  // No finish() here: the other top-level keys are plugin sections, which
  // checkTopLevelKeys() accounts for.
  ConfigDecoder d(*root);
  c.environment = d.choice("environment", c.environment, {"development", "production"});
  c.dataDir = resolvePath(doc.baseDir(), nonEmptyString(d, "dataDir", c.dataDir));
  c.secretsDir = resolvePath(doc.baseDir(), d.string("secretsDir", c.dataDir + "/secrets"));
  c.server = decodeServer(*d.section("server"));
  c.database = decodeDatabase(*d.section("database"), doc.baseDir());
  c.logging = decodeLogging(*d.section("logging"));
  c.plugins = decodePlugins(*d.section("plugins"), doc.baseDir());
  c.jobs = decodeJobs(*d.section("jobs"));
  return c;
}

void checkTopLevelKeys(const ConfigDocument& doc, const std::vector<std::string>& enabledPluginIds) {
  auto root = doc.root();
  const auto& kernel = kernelSectionNames();
  for (const auto& key : root->keys()) {
    bool known = std::find(kernel.begin(), kernel.end(), key) != kernel.end() ||
                 std::find(enabledPluginIds.begin(), enabledPluginIds.end(), key) != enabledPluginIds.end();
    if (!known) root->child(key)->fail("unknown key (not a kernel section nor an enabled plugin)");
  }
}

}  // namespace agape::kernel
