// The inventory plugin through the real binary, with the real catalogue, on
// SQLite and PostgreSQL: the admin API (every route, its roles, errors and
// audit), stock reaching the catalogue's availability, the demo stock, and
// the proof of no oversell: 500 concurrent reservations of 1 unit against
// 10 in stock, split across two server processes on one database, while an
// observer reads the level straight from the database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/api_test.h"
#include "support/backend_test.h"
#include "support/http_client.h"
#include "support/server_process.h"
#ifdef AGAPE_WITH_PG
#include <libpq-fe.h>
#endif

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kNone = "X-None: 1";

// The value of one series on a server's /metrics (0 when it is absent).
double metricOn(const std::string& base, const std::string& series) {
  const std::string text = "\n" + HttpClient(base).get("/metrics").body;
  const auto pos = text.find("\n" + series + " ");
  return pos == std::string::npos ? 0 : std::stod(text.substr(pos + series.size() + 2));
}

// Reads the database the servers write, directly: one integer per query.
class DbProbe {
 public:
  virtual ~DbProbe() = default;
  virtual long long scalar(const std::string& sql) = 0;
};

class SqliteProbe final : public DbProbe {
 public:
  explicit SqliteProbe(const std::string& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + file);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteProbe() override { sqlite3_close(db_); }
  long long scalar(const std::string& sql) override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    const int rc = sqlite3_step(st);
    const long long v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) throw std::runtime_error(sql + ": no row");
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

#ifdef AGAPE_WITH_PG
class PgProbe final : public DbProbe {
 public:
  explicit PgProbe(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn_));
  }
  ~PgProbe() override { PQfinish(conn_); }
  long long scalar(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    const std::string text = ok ? PQgetvalue(r, 0, 0) : PQerrorMessage(conn_);
    PQclear(r);
    if (!ok) throw std::runtime_error(sql + ": " + text);
    return std::stoll(text);
  }

 private:
  PGconn* conn_;
};
#endif

class InventoryServe : public BackendTest {
 protected:
  // `demo`: with the demo plugin (the demo catalogue on start; `extra` configures it).
  std::unique_ptr<ServerProcess> serve(const std::string& name, const std::string& extra = "", bool demo = false) {
    const int port = freePort();
    const std::string yaml = "jobs:\n  pollInterval: 100ms\n" + extra;
    const std::string url = databaseUrl();
    std::vector<std::string> plugins{"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), "test.reserver"};
    if (demo) plugins.push_back("demo");
    const std::string cfg = dir_.write(name + ".yaml", testConfig(dir_, port, plugins, yaml, url));
    // Hundreds of requests from one address in a burst: no rate limit in the way.
    return std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", cfg, "--set", "logging.accessLog=false", "--set",
                                 "server.rateLimits.default.requests=100000", "--set",
                                 "server.rateLimits.default.burst=100000"},
        port);
  }

  void start(const std::string& extra = "", bool demo = false) {
    server_ = serve("agape", extra, demo);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
  }

  std::unique_ptr<DbProbe> probe() {
#ifdef AGAPE_WITH_PG
    if (schema_) return std::make_unique<PgProbe>(schema_->url());
#endif
    return std::make_unique<SqliteProbe>(dir_.path() + "/data/agape.db");
  }

  HttpResult send(const std::string& method, const std::string& path, const Json& body, const std::string& auth = kAdmin) {
    return client_->request(method, path, body.is_null() ? "" : body.dump(), {kJson, auth});
  }
  HttpResult get(const std::string& path, const std::string& auth = kAdmin) { return client_->get(path, {auth}); }
  Json ok(const HttpResult& r, long status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }
  static std::set<std::string> fields(const HttpResult& r) { return problemFields(r); }
  static std::string code(const HttpResult& r) { return problemCode(r); }

  // A product with three variants through the catalogue's API; their ids.
  std::vector<std::string> variants() {
    const Json cat = ok(send("POST", "/v1/categories", Json{{"name", "Dresses"}, {"slug", "dresses"}}), 201);
    const Json product = ok(send("POST", "/v1/products",
                                 Json{{"name", "Ankara Wrap Dress"}, {"categoryId", cat["id"]}, {"price", 1'500'000},
                                      {"variants", {{{"sku", "ANK-1-S"}, {"size", "S"}},
                                                    {{"sku", "ANK-1-M"}, {"size", "M"}},
                                                    {{"sku", "ANK-1-L"}, {"size", "L"}}}}}),
                            201);
    std::vector<std::string> ids;
    for (const auto& v : product["variants"]) ids.push_back(v["id"]);
    return ids;
  }
  Json setStock(const std::string& variantId, long long quantity) {
    return ok(send("PATCH", "/v1/admin/inventory/" + variantId + "/stock",
                   Json{{"quantity", quantity}, {"reason", "initial count"}}));
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(InventoryServe, AdjustReadAndAuditOneVariant) {
  start();
  const auto ids = variants();
  const std::string m = ids[1];
  const Json fresh = ok(get("/v1/admin/inventory/" + m));
  EXPECT_EQ(fresh["onHand"], 0);
  EXPECT_EQ(fresh["version"], 0);
  EXPECT_TRUE(fresh["updatedAt"].is_null());

  const Json first = ok(send("PATCH", "/v1/admin/inventory/" + m + "/stock",
                             Json{{"quantity", 12}, {"reason", "delivery from Aba"}, {"version", 0}, {"unitCost", 800'000}}));
  EXPECT_EQ(first["variantId"], m);
  EXPECT_EQ(first["sku"], "ANK-1-M");
  EXPECT_EQ(first["productName"], "Ankara Wrap Dress");
  EXPECT_EQ(first["onHand"], 12);
  EXPECT_EQ(first["reserved"], 0);
  EXPECT_EQ(first["available"], 12);
  EXPECT_EQ(first["version"], 1);
  EXPECT_EQ(first["lowStockThreshold"], 5);
  EXPECT_EQ(first["unitCost"], 800'000);
  EXPECT_EQ(first["updatedAt"].get<std::string>().back(), 'Z');

  const Json second =
      ok(send("PATCH", "/v1/admin/inventory/" + m + "/stock", Json{{"delta", -3}, {"reason", "damaged"}, {"version", 1}}));
  EXPECT_EQ(second["onHand"], 9);
  EXPECT_EQ(second["version"], 2);

  auto stale = send("PATCH", "/v1/admin/inventory/" + m + "/stock", Json{{"delta", 1}, {"reason", "found"}, {"version", 1}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(code(stale), "version_conflict");
  EXPECT_EQ(fields(stale), (std::set<std::string>{"version"}));
  auto below = send("PATCH", "/v1/admin/inventory/" + m + "/stock", Json{{"delta", -10}, {"reason", "lost"}});
  EXPECT_EQ(below.status, 409) << below.body;
  EXPECT_EQ(code(below), "invalid_adjustment");
  EXPECT_EQ(fields(below), (std::set<std::string>{"delta"}));
  EXPECT_EQ(send("PATCH", "/v1/admin/inventory/no-such-variant/stock", Json{{"delta", 1}, {"reason", "x"}}).status, 404);
  EXPECT_EQ(get("/v1/admin/inventory/no-such-variant").status, 404);

  for (const auto& [body, expected] : std::vector<std::pair<Json, std::set<std::string>>>{
           {Json{{"delta", 1}, {"quantity", 2}, {"reason", "x"}}, {"quantity"}},
           {Json{{"reason", "x"}}, {"delta"}},
           {Json{{"delta", 1}}, {"reason"}},
           {Json{{"delta", 1}, {"reason", ""}}, {"reason"}},
           {Json{{"delta", 1.5}, {"reason", "x"}}, {"delta"}},
           {Json{{"quantity", -1}, {"reason", "x"}}, {"quantity"}},
           {Json{{"delta", 1}, {"reason", "x"}, {"colour", "red"}}, {"colour"}},
           {Json{{"delta", 1}, {"reason", std::string(201, 'x')}}, {"reason"}}}) {
    auto r = send("PATCH", "/v1/admin/inventory/" + m + "/stock", body);
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(code(r), "validation_failed") << body.dump();
    EXPECT_EQ(fields(r), expected) << body.dump() << " " << r.body;
  }

  const Json level = ok(get("/v1/admin/inventory/" + m, kFulfilment));
  EXPECT_EQ(level["onHand"], 9);
  ASSERT_EQ(level["movements"].size(), 2u);
  EXPECT_EQ(level["movements"][0]["kind"], "adjust");
  EXPECT_EQ(level["movements"][0]["onHandDelta"], -3);
  EXPECT_EQ(level["movements"][0]["reason"], "damaged");
  EXPECT_EQ(level["movements"][0]["actor"], "u-admin");
  EXPECT_EQ(level["movements"][1]["onHandDelta"], 12);

  auto db = probe();
  EXPECT_EQ(db->scalar("SELECT count(*) FROM agape_audit WHERE action = 'inventory.adjust' AND actor = 'u-admin' "
                       "AND entity = 'inventory_level' AND entity_id = '" + m + "'"),
            2);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM agape_audit WHERE request_id IS NULL OR request_id = ''"), 0);
}

TEST_P(InventoryServe, BulkAdjustmentIsAllOrNothing) {
  start();
  const auto ids = variants();
  setStock(ids[0], 5);
  setStock(ids[1], 5);
  auto db = probe();
  const long long movements = db->scalar("SELECT count(*) FROM inventory_movements");

  // One line the stock refuses: nothing is written, every bad line is named.
  auto refused = send("POST", "/v1/admin/inventory/bulk-adjust",
                      Json{{"items", {{{"variantId", ids[0]}, {"delta", 10}, {"reason", "delivery"}},
                                      {{"variantId", ids[1]}, {"delta", -6}, {"reason", "damaged"}},
                                      {{"variantId", ids[2]}, {"quantity", 4}, {"reason", "count"}, {"version", 3}},
                                      {{"variantId", "nope"}, {"delta", 1}, {"reason", "x"}}}}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(code(refused), "invalid_adjustment");
  EXPECT_EQ(fields(refused), (std::set<std::string>{"items[1].delta", "items[2].version", "items[3].variantId"}));
  EXPECT_EQ(ok(get("/v1/admin/inventory/" + ids[0]))["onHand"], 5);
  EXPECT_EQ(ok(get("/v1/admin/inventory/" + ids[2]))["version"], 0);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_movements"), movements);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_levels"), 2);

  auto malformed = send("POST", "/v1/admin/inventory/bulk-adjust",
                        Json{{"items", {{{"variantId", ids[0]}, {"delta", 1}},
                                        {{"variantId", ids[0]}, {"delta", 1}, {"reason", "x"}},
                                        {{"delta", 1}, {"reason", "x"}, {"extra", true}},
                                        "not an object"}}});
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(fields(malformed), (std::set<std::string>{"items[0].reason", "items[1].variantId", "items[2].variantId",
                                                      "items[2].extra", "items[3]"}));
  EXPECT_EQ(send("POST", "/v1/admin/inventory/bulk-adjust", Json{{"items", Json::array()}}).status, 400);
  Json tooMany = Json::array();
  for (int i = 0; i < 501; ++i) tooMany.push_back({{"variantId", std::to_string(i)}, {"delta", 1}, {"reason", "x"}});
  EXPECT_EQ(send("POST", "/v1/admin/inventory/bulk-adjust", Json{{"items", tooMany}}).status, 400);

  const Json applied = ok(send("POST", "/v1/admin/inventory/bulk-adjust",
                               Json{{"items", {{{"variantId", ids[2]}, {"quantity", 4}, {"reason", "count"}, {"version", 0}},
                                               {{"variantId", ids[0]}, {"delta", 10}, {"reason", "delivery"}}}}}));
  ASSERT_EQ(applied["data"].size(), 2u);
  EXPECT_EQ(applied["data"][0]["variantId"], ids[2]);
  EXPECT_EQ(applied["data"][0]["onHand"], 4);
  EXPECT_EQ(applied["data"][1]["onHand"], 15);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM agape_audit WHERE action = 'inventory.bulk_adjust'"), 2);
}

TEST_P(InventoryServe, LowStockListAndStatistics) {
  start();
  const auto ids = variants();
  setStock(ids[0], 2);
  setStock(ids[1], 30);
  ok(send("PATCH", "/v1/admin/inventory/" + ids[2] + "/stock",
          Json{{"quantity", 0}, {"reason", "sold out"}, {"unitCost", 500'000}}));
  const Json low = ok(get("/v1/admin/inventory/low-stock", kFulfilment));
  ASSERT_EQ(low["data"].size(), 2u);
  EXPECT_EQ(low["data"][0]["variantId"], ids[2]);
  EXPECT_EQ(low["data"][1]["variantId"], ids[0]);
  EXPECT_EQ(low["meta"], (Json{{"page", 1}, {"limit", 20}, {"total", 2}, {"totalPages", 1}}));
  EXPECT_EQ(ok(get("/v1/admin/inventory/low-stock?threshold=31&limit=2&page=2"))["data"][0]["variantId"], ids[1]);
  for (const char* bad : {"?threshold=-1", "?limit=0", "?limit=101", "?page=0", "?sort=sku", "?threshold=a"}) {
    auto r = get(std::string("/v1/admin/inventory/low-stock") + bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  const Json stats = ok(get("/v1/admin/inventory/stats", kMerchant));
  EXPECT_EQ(stats, (Json{{"unitsOnHand", 32},
                         {"unitsReserved", 0},
                         {"unitsAvailable", 32},
                         {"valueAtCost", {{"amount", 0}, {"currency", "NGN"}}},
                         {"outOfStockCount", 1},
                         {"variantCount", 3}}));
}

TEST_P(InventoryServe, RolesGateEveryRoute) {
  start();
  const auto ids = variants();
  setStock(ids[0], 10);
  struct Case {
    std::string method, path;
    Json body;
    std::vector<std::string> allowed;
  };
  const Json adjust{{"delta", 1}, {"reason", "x"}};
  const Json bulk{{"items", {{{"variantId", ids[0]}, {"delta", 1}, {"reason", "x"}}}}};
  const std::vector<Case> cases = {
      {"GET", "/v1/admin/inventory/low-stock", nullptr, {kAdmin, kMerchant, kFulfilment}},
      {"GET", "/v1/admin/inventory/stats", nullptr, {kAdmin, kMerchant}},
      {"GET", "/v1/admin/inventory/" + ids[0], nullptr, {kAdmin, kMerchant, kFulfilment}},
      {"PATCH", "/v1/admin/inventory/" + ids[0] + "/stock", adjust, {kAdmin, kMerchant}},
      {"POST", "/v1/admin/inventory/bulk-adjust", bulk, {kAdmin}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(send(c.method, c.path, c.body, kNone).status, 401) << c.method << " " << c.path;
    EXPECT_EQ(send(c.method, c.path, c.body, "Authorization: Bearer forged").status, 401) << c.path;
    for (const auto& who : {kAdmin, kMerchant, kFulfilment, kFinance, kCustomer}) {
      const bool allowed = std::find(c.allowed.begin(), c.allowed.end(), who) != c.allowed.end();
      auto r = send(c.method, c.path, c.body, who);
      EXPECT_EQ(r.status, allowed ? 200 : 403) << c.method << " " << c.path << " as " << who << ": " << r.body;
    }
  }
}

TEST_P(InventoryServe, StockReachesTheCatalogueAvailability) {
  start();
  const auto ids = variants();
  setStock(ids[0], 4);
  setStock(ids[1], 0);
  ASSERT_TRUE(eventually([&] {
    auto r = get("/v1/products/ankara-wrap-dress");
    if (r.status != 200) return false;
    const Json p = Json::parse(r.body);
    return p["variants"][0]["available"] == 4 && p["variants"][1]["available"] == 0;
  }, 15s)) << get("/v1/products/ankara-wrap-dress").body << server_->output();
  // A reservation changes availability too.
  ok(send("POST", "/v1/test/reservations", Json{{"holder", "order:1"}, {"items", {{{"variantId", ids[0]}, {"quantity", 3}}}}}),
     201);
  ASSERT_TRUE(eventually([&] {
    return Json::parse(get("/v1/products/ankara-wrap-dress").body)["variants"][0]["available"] == 1;
  }, 15s));
  EXPECT_EQ(ok(get("/v1/products?inStock=true"))["meta"]["total"], 1);
}

TEST_P(InventoryServe, ReservationsThroughTheServiceOverHttp) {
  start();
  const auto ids = variants();
  setStock(ids[0], 3);
  setStock(ids[1], 1);
  auto reserve = [&](const std::string& holder, const Json& items) {
    return send("POST", "/v1/test/reservations", Json{{"holder", holder}, {"items", items}});
  };
  const Json items = {{{"variantId", ids[0]}, {"quantity", 2}}, {{"variantId", ids[1]}, {"quantity", 2}}};
  auto shortage = reserve("order:1", items);
  EXPECT_EQ(shortage.status, 409) << shortage.body;
  EXPECT_EQ(code(shortage), "out_of_stock");
  EXPECT_EQ(fields(shortage), (std::set<std::string>{"items[1].quantity"}));
  EXPECT_NE(shortage.body.find(ids[1]), std::string::npos) << "the detail names the variant";
  EXPECT_EQ(shortage.header("content-type"), "application/problem+json");

  ok(reserve("order:2", {{{"variantId", ids[0]}, {"quantity", 2}}}), 201);
  ok(reserve("order:2", {{{"variantId", ids[0]}, {"quantity", 2}}}), 201);  // a retry: the same hold
  EXPECT_EQ(code(reserve("order:2", {{{"variantId", ids[0]}, {"quantity", 1}}})), "reservation_conflict");
  EXPECT_EQ(ok(get("/v1/admin/inventory/" + ids[0]))["reserved"], 2);
  EXPECT_EQ(ok(send("POST", "/v1/test/reservations/commit", Json{{"holder", "order:2"}}))["changed"], true);
  EXPECT_EQ(ok(send("POST", "/v1/test/reservations/commit", Json{{"holder", "order:2"}}))["changed"], false);
  EXPECT_EQ(ok(send("POST", "/v1/test/reservations/release", Json{{"holder", "order:2"}}))["changed"], false);
  const Json level = ok(get("/v1/admin/inventory/" + ids[0]));
  EXPECT_EQ(level["onHand"], 1);
  EXPECT_EQ(level["reserved"], 0);
  // While stock is held, an adjustment cannot take on hand below it.
  ok(reserve("order:3", {{{"variantId", ids[0]}, {"quantity", 1}}}), 201);
  auto below = send("PATCH", "/v1/admin/inventory/" + ids[0] + "/stock", Json{{"quantity", 0}, {"reason", "recount"}});
  EXPECT_EQ(below.status, 409);
  EXPECT_EQ(code(below), "invalid_adjustment");
}

TEST_P(InventoryServe, AReservationIsGivenBackWhenItsTimeRunsOut) {
  start();
  const auto ids = variants();
  setStock(ids[0], 4);
  const auto t0 = std::chrono::steady_clock::now();
  ok(send("POST", "/v1/test/reservations",
          Json{{"holder", "order:late"}, {"items", {{{"variantId", ids[0]}, {"quantity", 3}}}}, {"ttlSeconds", 1}}),
     201);
  EXPECT_EQ(ok(get("/v1/admin/inventory/" + ids[0]))["reserved"], 3);
  // The expiry timer, woken for this short hold, gives the stock back about
  // a second after its expiry: not the minute sweep. (Generous bounds for a
  // loaded machine; the minute sweep alone would take up to 60 s.)
  ASSERT_TRUE(eventually([&] { return ok(get("/v1/admin/inventory/" + ids[0]))["reserved"] == 0; }, 10s))
      << server_->output();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);
  const Json level = ok(get("/v1/admin/inventory/" + ids[0]));
  EXPECT_EQ(level["onHand"], 4);
  EXPECT_EQ(level["movements"][0]["kind"], "expire");
  EXPECT_EQ(probe()->scalar("SELECT count(*) FROM agape_jobs WHERE queue = 'inventory.expire' AND payload <> '{}'"),
            0)
      << "no job of its own (the minute sweep's {} jobs aside)";
  // The holder's late commit changes nothing.
  EXPECT_EQ(ok(send("POST", "/v1/test/reservations/commit", Json{{"holder", "order:late"}}))["changed"], false);
  EXPECT_EQ(ok(get("/v1/admin/inventory/" + ids[0]))["onHand"], 4);
  EXPECT_EQ(metricOn(server_->base(), "agape_inventory_reservations_total{event=\"expired\"}"), 1);
  EXPECT_EQ(metricOn(server_->base(), "agape_inventory_reservations_total{event=\"committed\"}"), 0);
}

// Sends `total` requests from `threads` client threads, alternating between
// the servers; returns the count of each status, and in `perServer` how
// many requests each server answered.
std::map<long, int> fire(const std::vector<std::string>& bases, int total, int threads,
                         const std::function<std::string(int)>& bodyOf, const std::string& path,
                         std::vector<int>& perServer) {
  std::atomic<int> next{0};
  std::mutex m;
  std::map<long, int> statuses;
  perServer.assign(bases.size(), 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      HttpClient c(bases[t % bases.size()]);
      for (int i = next++; i < total; i = next++) {
        long status = 0;
        try {
          status = c.request("POST", path, bodyOf(i), {kJson}).status;
        } catch (const std::exception&) {
          status = -1;
        }
        std::lock_guard lock(m);
        ++statuses[status];
        ++perServer[t % bases.size()];
      }
    });
  for (auto& t : pool) t.join();
  return statuses;
}

TEST_P(InventoryServe, FiveHundredConcurrentReservationsOnTwoServersNeverOversell) {
  start();
  const auto ids = variants();
  const std::string hot = ids[0];
  setStock(hot, 10);
  auto other = serve("other");
  ASSERT_TRUE(other->waitReady()) << other->output();
  const std::vector<std::string> bases = {server_->base(), other->base()};

  // The observer reads the level straight from the database all along.
  std::atomic<bool> done{false};
  std::atomic<long long> observations{0}, minAvailable{1'000'000}, maxReserved{0}, badOnHand{0};
  std::thread observer([&] {
    auto db = probe();
    const std::string where = " FROM inventory_levels WHERE variant_id = '" + hot + "'";
    while (!done) {
      const long long available = db->scalar("SELECT on_hand - reserved" + where);
      const long long reserved = db->scalar("SELECT reserved" + where);
      if (db->scalar("SELECT on_hand" + where) != 10) ++badOnHand;
      long long seen = minAvailable.load();
      while (available < seen && !minAvailable.compare_exchange_weak(seen, available)) {
      }
      seen = maxReserved.load();
      while (reserved > seen && !maxReserved.compare_exchange_weak(seen, reserved)) {
      }
      ++observations;
    }
  });
  const auto started = std::chrono::steady_clock::now();
  std::vector<int> perServer;
  const auto statuses = fire(bases, 500, 32, [&](int i) {
    return Json{{"holder", "order:" + std::to_string(i)}, {"items", {{{"variantId", hot}, {"quantity", 1}}}}}.dump();
  }, "/v1/test/reservations", perServer);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  done = true;
  observer.join();
  std::cout << "500 reservations on two servers (" << perServer[0] << " + " << perServer[1] << ") in " << seconds
            << " s; " << observations
            << " observations, lowest available " << minAvailable << "\n";

  EXPECT_EQ(statuses, (std::map<long, int>{{201, 10}, {409, 490}})) << other->output();
  EXPECT_GT(perServer[0], 50) << "both servers take a share";
  EXPECT_GT(perServer[1], 50) << "both servers take a share";
  EXPECT_GT(observations, 10);
  EXPECT_GE(minAvailable, 0);
  EXPECT_LE(maxReserved, 10);
  EXPECT_EQ(badOnHand, 0);
  auto db = probe();
  const std::string where = " FROM inventory_levels WHERE variant_id = '" + hot + "'";
  EXPECT_EQ(db->scalar("SELECT on_hand" + where), 10);
  EXPECT_EQ(db->scalar("SELECT reserved" + where), 10);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_holds WHERE status = 'active'"), 10);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_hold_items"), 10);
  EXPECT_EQ(db->scalar("SELECT CAST(SUM(on_hand_delta) AS BIGINT) FROM inventory_movements WHERE variant_id = '" + hot + "'"), 10);
  EXPECT_EQ(db->scalar("SELECT CAST(SUM(reserved_delta) AS BIGINT) FROM inventory_movements WHERE variant_id = '" + hot + "'"), 10);
  EXPECT_EQ(db->scalar("SELECT version" + where), 11);

  // Settle every hold, each retried four times at once across both servers:
  // half committed, half released, each exactly once.
  std::vector<std::string> holders;
  auto rows = Json::parse(client_->get("/v1/admin/inventory/" + hot, {kAdmin}).body)["movements"];
  for (const auto& mv : rows)
    if (mv["kind"] == "reserve") holders.push_back(mv["reference"]);
  ASSERT_EQ(holders.size(), 10u);
  std::atomic<int> changed{0};
  std::vector<std::thread> settle;
  for (std::size_t h = 0; h < holders.size(); ++h)
    for (int attempt = 0; attempt < 4; ++attempt)
      settle.emplace_back([&, h, attempt] {
        HttpClient c(bases[attempt % 2]);
        const std::string path = h % 2 ? "/v1/test/reservations/release" : "/v1/test/reservations/commit";
        auto r = c.request("POST", path, Json{{"holder", holders[h]}}.dump(), {kJson});
        if (r.status == 200 && Json::parse(r.body)["changed"] == true) ++changed;
      });
  for (auto& t : settle) t.join();
  EXPECT_EQ(changed, 10);
  EXPECT_EQ(db->scalar("SELECT on_hand" + where), 5);
  EXPECT_EQ(db->scalar("SELECT reserved" + where), 0);
  EXPECT_EQ(db->scalar("SELECT CAST(SUM(on_hand_delta) AS BIGINT) FROM inventory_movements WHERE variant_id = '" + hot + "'"), 5);
  EXPECT_EQ(db->scalar("SELECT CAST(SUM(reserved_delta) AS BIGINT) FROM inventory_movements WHERE variant_id = '" + hot + "'"), 0);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_holds WHERE status = 'committed'"), 5);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM inventory_holds WHERE status = 'released'"), 5);

  // Each server counted what it did; together they tell the whole story.
  auto counted = [&](const std::string& event) {
    const std::string series = "agape_inventory_reservations_total{event=\"" + event + "\"}";
    return metricOn(bases[0], series) + metricOn(bases[1], series);
  };
  EXPECT_EQ(counted("reserved"), 10);
  EXPECT_EQ(counted("refused"), 490);
  EXPECT_EQ(counted("committed"), 5);
  EXPECT_EQ(counted("released"), 5);
  EXPECT_EQ(counted("expired"), 0);
  EXPECT_EQ(other->terminate(), 0) << other->output();
  EXPECT_EQ(server_->terminate(), 0) << server_->output();
}

TEST_P(InventoryServe, TheEventsOfAServerKilledMidwayAreDeliveredByTheOther) {
  start();
  const auto ids = variants();
  setStock(ids[0], 4);
  const auto availableOn = [&](const std::string& base) {
    auto r = HttpClient(base).get("/v1/products/ankara-wrap-dress");
    if (r.status != 200) return -1LL;
    const Json available = Json::parse(r.body)["variants"][0]["available"];  // null until first applied
    return available.is_number() ? available.get<long long>() : -1LL;
  };
  // Alone, the first server holds the catalogue subscriber's lease.
  ASSERT_TRUE(eventually([&] { return availableOn(server_->base()) == 4; }, 15s)) << server_->output();
  auto other = serve("other");
  ASSERT_TRUE(other->waitReady()) << other->output();
  server_->kill9();  // its lease is left to lapse
  const auto killed = std::chrono::steady_clock::now();
  auto r = HttpClient(other->base())
               .request("POST", "/v1/test/reservations",
                        Json{{"holder", "order:1"}, {"items", {{{"variantId", ids[0]}, {"quantity", 3}}}}}.dump(),
                        {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 201) << r.body;
  // The lease (30 s from its last renewal) lapses and the other server,
  // asking every 15 s, takes the cursor where it stood.
  ASSERT_TRUE(eventually([&] { return availableOn(other->base()) == 1; }, 60s)) << other->output();
  const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - killed);
  std::cout << "the other server delivered the event " << took.count() << " s after the kill\n";
  EXPECT_LE(took.count(), 47);
  auto db = probe();
  EXPECT_EQ(db->scalar("SELECT count(*) FROM agape_event_cursors WHERE subscriber = 'catalog.availability'"), 1);
  EXPECT_EQ(other->terminate(), 0);
}

TEST_P(InventoryServe, DemoStockGivesTheDemoCatalogueAvailability) {
  start("demo:\n  stock: true\n", true);
  const Json stats = ok(get("/v1/admin/inventory/stats"));
  EXPECT_GT(stats["variantCount"].get<long long>(), 1000);
  EXPECT_GT(stats["outOfStockCount"].get<long long>(), 0);
  EXPECT_FALSE(stats["valueAtCost"].is_null());
  EXPECT_GT(ok(get("/v1/admin/inventory/low-stock"))["meta"]["total"].get<long long>(), 0);
  ASSERT_TRUE(eventually([&] {
    auto r = get("/v1/products?inStock=true&limit=1");
    return r.status == 200 && Json::parse(r.body)["meta"]["total"].get<long long>() > 150;
  }, 60s)) << get("/v1/products?inStock=true&limit=1").body;
  EXPECT_EQ(server_->terminate(), 0);
  // A restart stocks nothing twice.
  auto again = serve("again", "demo:\n  stock: true\n", true);
  ASSERT_TRUE(again->waitReady()) << again->output();
  EXPECT_EQ(probe()->scalar("SELECT count(*) FROM inventory_movements"), stats["variantCount"].get<long long>());
  EXPECT_EQ(again->terminate(), 0);
}

TEST_P(InventoryServe, BadInventoryConfigIsRefusedWithItsLocation) {
  const int port = freePort();
  for (const auto& [yaml, message] : std::vector<std::pair<std::string, std::string>>{
           {"inventory:\n  reservationTTL: 5m\n", "inventory.reservationTTL: unknown key ("},
           {"inventory:\n  reservationTtl: 10s\n", "inventory.reservationTtl: must be between 1m and 7d ("},
           {"inventory:\n  lowStockThreshold: many\n", "inventory.lowStockThreshold: "}}) {
    const std::string cfg =
        dir_.write("bad.yaml", testConfig(dir_, port, {pluginEntry("catalog"), pluginEntry("inventory")}, yaml));
    auto r = runAgape({"serve", "--config", cfg});
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
  }
  // Without the catalogue the inventory does not start, and says why.
  const std::string cfg = dir_.write("nocat.yaml", testConfig(dir_, port, {pluginEntry("inventory")}));
  auto r = runAgape({"serve", "--config", cfg});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.output.find("catalog"), std::string::npos) << r.output;
}

AGAPE_BACKENDS(InventoryServe);

}  // namespace
}  // namespace agape::test
