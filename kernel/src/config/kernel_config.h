#pragma once
// The kernel's own configuration sections (server, database, plugins,
// logging), decoded strictly from the YAML document. Every plugin's section
// lives under its id and is decoded by the plugin itself.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace agape::kernel {

struct CorsConfig {
  std::vector<std::string> allowedOrigins;  // exact origins; "*" allows any (never with credentials)
  std::vector<std::string> allowedHeaders = {"Authorization", "Content-Type", "Idempotency-Key",
                                             "X-Cart-Token", "X-Request-Id", "If-None-Match"};
  std::vector<std::string> exposedHeaders = {"X-Request-Id", "ETag", "RateLimit-Limit",
                                             "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"};
  bool allowCredentials = false;
  std::chrono::seconds maxAge{600};
};

// A token bucket: `requests` per `per`, bursting up to `burst`.
struct RateLimitClass {
  double requests = 100;
  std::chrono::milliseconds per{1000};
  double burst = 200;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  int ioThreads = 2;        // Pistache reactor threads
  int workerThreads = 8;    // pool for blocking handlers
  std::size_t maxBodyBytes = 1 << 20;  // default per-route body limit
  std::chrono::milliseconds shutdownGrace{10000};
  std::chrono::milliseconds keepAliveTimeout{60000};
  // A request's header block must arrive within this of its first byte (or
  // of the connection's opening); its body must make progress at least this
  // often. Slow or silent clients are disconnected.
  std::chrono::milliseconds headerTimeout{10000};
  std::chrono::milliseconds bodyTimeout{30000};
  // Open client connections at most (0: from the file-descriptor limit,
  // less a reserve for the database, files and plugins).
  int maxConnections = 0;
  // A request that waited this long for a worker thread is answered 503.
  std::chrono::milliseconds workerQueueTimeout{5000};
  // A streamed response whose client reads nothing for this long is cut
  // off, so a client that stopped reading never holds a worker for ever.
  std::chrono::milliseconds sendTimeout{30000};
  // Proxies (CIDR networks) whose X-Forwarded-For entries are believed:
  // the client is the first address, right to left, not among them.
  std::vector<std::string> trustedProxies;
  // Clients (CIDR networks) that may read /metrics; others get 404.
  std::vector<std::string> metricsAllow = {"127.0.0.0/8", "::1/128"};
  // Every success response of a typed route is checked against the schema
  // its contract declares; a mismatch is logged and answered 500. For test
  // servers: it parses every JSON response once more.
  bool checkResponses = false;
  CorsConfig cors;
  std::map<std::string, RateLimitClass> rateLimits;  // always has "default"
};

struct DatabaseConfig {
  std::string url;  // sqlite:///abs/path.db, sqlite://rel/path.db, postgresql://user:pw@host:port/db
  int poolSize = 8;
  std::chrono::milliseconds busyTimeout{5000};   // SQLite busy_timeout
  std::chrono::milliseconds acquireTimeout{5000};  // waiting for a pooled connection
  std::chrono::milliseconds connectTimeout{3000};  // PostgreSQL: opening a connection
  // PostgreSQL, per transaction: waiting for a row or table lock, and any
  // one statement (0: no limit). A route may raise them (TxOptions).
  std::chrono::milliseconds lockTimeout{5000};
  std::chrono::milliseconds statementTimeout{30000};
  // PostgreSQL, TCP: keep-alive probes on an idle connection (after
  // keepalivesIdle, every keepalivesInterval, keepalivesCount of them), and
  // how long sent data may stay unacknowledged (tcp_user_timeout). The last
  // also bounds how long past a statement's own limit a round trip waits for
  // its answer before the connection is given up as dead.
  std::chrono::milliseconds keepalivesIdle{10000};
  std::chrono::milliseconds keepalivesInterval{5000};
  int keepalivesCount = 3;
  std::chrono::milliseconds tcpUserTimeout{10000};
  bool autoMigrate = true;  // `agape serve` applies pending migrations first
  bool preparedStatements = true;  // PostgreSQL: keep queries prepared per connection
};

struct PluginEntry {
  std::string id;
  std::string file;        // optional explicit .so path; else lib<agape_id>.so searched in paths
  std::string migrations;  // optional explicit migrations dir; else <migrationPaths>/<id>
  std::string location;    // file:line:col of the entry, for errors
};

struct PluginsConfig {
  std::vector<std::string> paths;           // directories searched for plugin libraries
  std::vector<std::string> migrationPaths;  // roots holding <plugin id>/<dialect>/NNNN_name.sql
  std::vector<PluginEntry> enabled;
};

struct LoggingConfig {
  std::string level = "info";  // debug|info|warn|error
  bool accessLog = true;
};

// Overrides of what a plugin declared for one job queue.
struct JobQueueConfig {
  int concurrency = 0;                   // 0: as declared
  std::chrono::milliseconds lease{0};    // 0: as declared
};

struct JobsConfig {
  bool enabled = true;  // false: this instance enqueues but never runs jobs or cron ticks
  // How often idle queues look for jobs enqueued by other instances (and
  // for due retries and cron ticks); this process's own jobs start at once.
  std::chrono::milliseconds pollInterval{200};
  // Finished jobs and events older than this are deleted (0: kept for ever).
  // Dead jobs stay until an operator retries or deletes them.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 7)};
  std::map<std::string, JobQueueConfig> queues;                              // by queue name
  std::map<std::string, std::map<std::string, std::string>> schedules;      // plugin -> name -> cron expression
};

struct KernelConfig {
  std::string environment = "development";  // development|production
  std::string dataDir = "data";
  // The sealing keys of SecretBox (secrets/sealing_keys.h); "" = <dataDir>/secrets.
  std::string secretsDir;
  ServerConfig server;
  DatabaseConfig database;
  PluginsConfig plugins;
  LoggingConfig logging;
  JobsConfig jobs;
};

}  // namespace agape::kernel
