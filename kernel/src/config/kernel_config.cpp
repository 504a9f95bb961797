#include <filesystem>
#include <regex>

#include "config/config_document.h"

namespace agape::kernel {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kKernelSections = {"environment", "dataDir", "server", "database", "logging", "plugins"};

std::string resolvePath(const std::string& base, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_relative()) path = fs::path(base) / path;
  return path.lexically_normal().string();
}

// sqlite://relative/file.db resolves against the config's directory;
// sqlite:///absolute/file.db and postgresql:// URLs pass through.
std::string resolveDatabaseUrl(const std::string& base, const std::string& url, const ConfigView& at) {
  if (url.rfind("sqlite://", 0) == 0) {
    std::string file = url.substr(9);
    if (file.empty()) at.fail("needs a file: sqlite:///absolute/path.db or sqlite://relative/path.db");
    if (file == ":memory:") return url;
    return "sqlite://" + resolvePath(base, file);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return url;
  at.fail("must start with sqlite:// or postgresql://");
}

CorsConfig decodeCors(const ConfigView& v) {
  CorsConfig c;
  ConfigDecoder d(v);
  c.allowedOrigins = d.strings("allowedOrigins", c.allowedOrigins);
  c.allowedHeaders = d.strings("allowedHeaders", c.allowedHeaders);
  c.exposedHeaders = d.strings("exposedHeaders", c.exposedHeaders);
  c.allowCredentials = d.boolean("allowCredentials", c.allowCredentials);
  c.maxAge = std::chrono::duration_cast<std::chrono::seconds>(
      d.duration("maxAge", std::chrono::duration_cast<std::chrono::milliseconds>(c.maxAge)));
  d.finish();
  bool any = std::find(c.allowedOrigins.begin(), c.allowedOrigins.end(), "*") != c.allowedOrigins.end();
  if (any && c.allowCredentials) v.child("allowCredentials")->fail("cannot be true when allowedOrigins has \"*\"");
  return c;
}

std::map<std::string, RateLimitClass> decodeRateLimits(const ConfigView& v) {
  std::map<std::string, RateLimitClass> out;
  if (v.present() && v.kind() != ConfigView::Kind::Map) v.fail("must be a map of class name to {requests, per, burst}");
  for (const auto& name : v.keys()) {
    auto cls = v.child(name);
    if (name == "none") cls->fail("\"none\" is reserved: it turns rate limiting off for a route");
    ConfigDecoder d(*cls);
    RateLimitClass c;
    c.requests = d.number("requests", c.requests, 0.001, 1e9);
    c.per = d.duration("per", c.per);
    if (c.per.count() <= 0) cls->child("per")->fail("must be longer than 0");
    c.burst = d.number("burst", c.requests, 1, 1e9);
    d.finish();
    out[name] = c;
  }
  if (!out.count("default")) out["default"] = RateLimitClass{};
  return out;
}

ServerConfig decodeServer(const ConfigView& v) {
  ServerConfig s;
  ConfigDecoder d(v);
  s.host = d.string("host", s.host);
  s.port = static_cast<int>(d.integer("port", s.port, 0, 65535));
  s.ioThreads = static_cast<int>(d.integer("ioThreads", s.ioThreads, 1, 64));
  s.workerThreads = static_cast<int>(d.integer("workerThreads", s.workerThreads, 1, 256));
  s.maxBodyBytes = d.bytes("maxBodyBytes", s.maxBodyBytes);
  s.shutdownGrace = d.duration("shutdownGrace", s.shutdownGrace);
  s.keepAliveTimeout = d.duration("keepAliveTimeout", s.keepAliveTimeout);
  s.trustForwardedFor = d.boolean("trustForwardedFor", s.trustForwardedFor);
  s.cors = decodeCors(*d.section("cors"));
  s.rateLimits = decodeRateLimits(*d.section("rateLimits"));
  d.finish();
  return s;
}

DatabaseConfig decodeDatabase(const ConfigView& v, const std::string& base) {
  DatabaseConfig c;
  ConfigDecoder d(v);
  auto urlView = v.child("url");
  c.url = resolveDatabaseUrl(base, d.requiredString("url"), *urlView);
  c.poolSize = static_cast<int>(d.integer("poolSize", c.poolSize, 1, 512));
  c.busyTimeout = d.duration("busyTimeout", c.busyTimeout);
  c.acquireTimeout = d.duration("acquireTimeout", c.acquireTimeout);
  c.autoMigrate = d.boolean("autoMigrate", c.autoMigrate);
  d.finish();
  return c;
}

LoggingConfig decodeLogging(const ConfigView& v) {
  LoggingConfig c;
  ConfigDecoder d(v);
  c.level = d.choice("level", c.level, {"debug", "info", "warn", "error"});
  c.accessLog = d.boolean("accessLog", c.accessLog);
  d.finish();
  return c;
}

bool validPluginId(const std::string& id) {
  static const std::regex re("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$");
  return std::regex_match(id, re);
}

PluginsConfig decodePlugins(const ConfigView& v, const std::string& base) {
  PluginsConfig c;
  ConfigDecoder d(v);
  for (const auto& p : d.strings("paths", {})) c.paths.push_back(resolvePath(base, p));
  for (const auto& p : d.strings("migrationPaths", {})) c.migrationPaths.push_back(resolvePath(base, p));
  auto enabled = d.section("enabled");
  if (enabled->present() && enabled->kind() != ConfigView::Kind::Sequence)
    enabled->fail("must be a list of plugin ids or {id, file, migrations} maps");
  for (std::size_t i = 0; i < enabled->size(); ++i) {
    auto item = enabled->at(i);
    PluginEntry e;
    e.location = item->location();
    if (item->kind() == ConfigView::Kind::Scalar) {
      e.id = item->scalar();
    } else if (item->kind() == ConfigView::Kind::Map) {
      ConfigDecoder ed(*item);
      e.id = ed.requiredString("id");
      e.file = resolvePath(base, ed.string("file", ""));
      e.migrations = resolvePath(base, ed.string("migrations", ""));
      ed.finish();
    } else {
      item->fail("must be a plugin id or a {id, file, migrations} map");
    }
    if (!validPluginId(e.id))
      item->fail("\"" + e.id + "\" is not a valid plugin id (lowercase, plain or dotted: payments, acme.loyalty)");
    for (const auto& k : kKernelSections)
      if (e.id == k) item->fail("\"" + e.id + "\" is a kernel section name and cannot be a plugin id");
    c.enabled.push_back(std::move(e));
  }
  d.finish();
  return c;
}

}  // namespace

KernelConfig decodeKernelConfig(const ConfigDocument& doc) {
  KernelConfig k;
  auto root = doc.root();
  const std::string& base = doc.baseDir();
  auto envView = root->child("environment");
  if (envView->present()) {
    std::string env = envView->scalar();
    if (env != "development" && env != "production") envView->fail("must be one of development, production");
    k.environment = env;
  }
  auto dataDir = root->child("dataDir");
  k.dataDir = resolvePath(base, dataDir->present() ? dataDir->scalar() : k.dataDir);
  k.server = decodeServer(*root->child("server"));
  auto db = root->child("database");
  if (!db->present()) throw ConfigError("database: is required (" + doc.displayName() + ")");
  k.database = decodeDatabase(*db, base);
  k.logging = decodeLogging(*root->child("logging"));
  k.plugins = decodePlugins(*root->child("plugins"), base);
  return k;
}

void checkTopLevelKeys(const ConfigDocument& doc, const std::vector<std::string>& enabledPluginIds) {
  auto root = doc.root();
  for (const auto& key : root->keys()) {
    if (std::find(kKernelSections.begin(), kKernelSections.end(), key) != kKernelSections.end()) continue;
    if (std::find(enabledPluginIds.begin(), enabledPluginIds.end(), key) != enabledPluginIds.end()) continue;
    root->child(key)->fail("unknown key (not a kernel section nor an enabled plugin)");
  }
}

}  // namespace agape::kernel
