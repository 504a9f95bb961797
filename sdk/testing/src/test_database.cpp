#include "agape/testing/test_database.h"

#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "agape/testing/temp_dir.h"
#include "db/db_pool.h"
#include "migrate/migrator.h"
#include "plugins/plugin_host.h"
#include "kernel_log_level.h"
#include "quiet_logger.h"

namespace agape::testing {
namespace {

// A schema name nobody else uses: tests of several processes share one
// scratch database.
std::string newSchemaName() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "agape_t_";
  for (int i = 0; i < 16; ++i) out += kHex[rng() % 16];
  return out;
}

std::string withQueryParam(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

}  // namespace

const char* backendName(Backend backend) noexcept { return backend == Backend::Sqlite ? "Sqlite" : "Postgres"; }

std::string postgresTestUrl() {
  const char* url = std::getenv("AGAPE_TEST_PG_URL");
  return url ? url : "";
}

std::string findMigrations(std::string_view pluginId, const std::vector<std::string>& migrationPaths) {
  kernel::PluginEntry entry;
  entry.id = std::string(pluginId);
  return kernel::pluginMigrationsDir(entry, migrationPaths);
}

struct TestDatabase::State {
  Backend backend = Backend::Sqlite;
  TempDir dir;
  std::unique_ptr<kernel::DbPool> admin;  // PostgreSQL: outside the schema, to drop it
  std::string schema;
  std::string url;
  std::unique_ptr<kernel::DbPool> pool;

  ~State() {
    pool.reset();  // every connection of the schema closed before it goes
    if (!admin) return;
    try {
      admin->transact([&](Tx& tx) { tx.exec("DROP SCHEMA " + schema + " CASCADE"); });
    } catch (const std::exception&) {
      // A schema left behind costs only space in a scratch database.
    }
  }
};

TestDatabase::TestDatabase(TestDatabaseOptions options) : state_((applyKernelLogLevel(), std::make_unique<State>())) {
  State& s = *state_;
  s.backend = options.backend;
  if (options.backend == Backend::Postgres) {
    const std::string server = options.postgresUrl.empty() ? postgresTestUrl() : options.postgresUrl;
    if (server.empty())
      throw std::runtime_error("a PostgreSQL test database needs a URL: set AGAPE_TEST_PG_URL to a superuser URL "
                               "of a scratch database (scripts/pg-test-server.sh start prints one)");
    kernel::DatabaseConfig admin;
    admin.url = server;
    admin.poolSize = 1;
    s.admin = kernel::DbPool::open(admin);
    s.schema = newSchemaName();
    s.admin->transact([&](Tx& tx) { tx.exec("CREATE SCHEMA " + s.schema); });
    s.url = withQueryParam(server, "options=-csearch_path%3D" + s.schema);
  } else {
    s.url = "sqlite://" + (s.dir.path() / "agape.db").string();
  }
  kernel::DatabaseConfig config;
  config.url = s.url;
  config.poolSize = options.poolSize;
  config.busyTimeout = std::chrono::milliseconds(5000);
  config.acquireTimeout = std::chrono::milliseconds(5000);
  s.pool = kernel::DbPool::open(config);

  // The kernel's tables first: plugins' migrations may refer to them.
  std::vector<kernel::Migrator::Source> sources{kernel::Migrator::kernelSource()};
  for (const auto& m : options.migrations) sources.push_back({m.pluginId, m.dir});
  QuietLogger log;
  kernel::Migrator(*s.pool, std::move(sources)).up(log);
}

TestDatabase::~TestDatabase() = default;

Database& TestDatabase::db() { return *state_->pool; }
Backend TestDatabase::backend() const { return state_->backend; }
const std::string& TestDatabase::url() const { return state_->url; }

}  // namespace agape::testing
