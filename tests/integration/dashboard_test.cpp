// The admin plugin's reports through the real binary, on SQLite and
// PostgreSQL, against orders placed, paid, refunded and cancelled in the
// test: the figures of a period and the one before, trends by day, ISO week
// and month with empty buckets, the best sellers, orders at Lagos midnight
// on the right day, the model rebuilt from seeded history, the sales CSV
// (read back by Python's csv module, awkward names and formulas included),
// and who may read.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <agape/testing/command.h>

#include "support/api_test.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "+234 803 555 0101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

// Today in Lagos (UTC+1 all year), as the server's default period ends.
std::string lagosToday(int plusDays = 0) {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(1) + std::chrono::hours(24 * plusDays);
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd{day};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

class DashboardServe : public ApiTest {
 protected:
  void start() {
    serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders"),
           "test.payer", pluginEntry("admin")},
          "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 50ms\nadmin:\n  reportCacheTtl: 0s\n");
    product_ = stockedProduct({"S", "M", "L"}, 20);
  }
  std::string variant(int i) const { return product_["variants"][i]["id"]; }
  // An order of `who` for `lines` (variant index, quantity).
  Json order(const std::string& who, const std::vector<std::pair<int, int>>& lines) {
    for (const auto& [v, q] : lines)
      ok(send("POST", "/v1/cart/items", Json{{"variantId", variant(v)}, {"quantity", q}}, {who}));
    return ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}, {"shippingMethod", "standard"}}, {who}),
              201);
  }
  void pay(const Json& o) {
    EXPECT_EQ(ok(send("POST", "/v1/test/pay", Json{{"orderId", o["id"]}, {"reference", "ref-" + o["number"].get<std::string>()}}))["result"],
              "paid");
  }
  void refund(const Json& o, const std::string& status, long long amount) {
    EXPECT_EQ(send("POST", "/v1/test/refund", Json{{"orderId", o["id"]}, {"status", status}, {"refunded", amount}}).status,
              204);
  }
  Json report(const std::string& path, const std::string& who = kAdmin) { return ok(get(path, {who})); }
  // The reports follow the orders' events: wait until `done` holds.
  Json waitFor(const std::string& path, const std::function<bool(const Json&)>& done) {
    Json last;
    for (int i = 0; i < 200; ++i) {
      last = report(path);
      if (done(last)) return last;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "the reports never showed what was expected: " << last.dump();
    return last;
  }
  // Moves an order's placement time, as if placed then (no route does).
  void placeAt(const std::string& orderId, long long epochMs) {
    const std::string update = "UPDATE orders_orders SET created_at = " + std::to_string(epochMs) + " WHERE id = '" +
                               orderId + "'";
#ifdef AGAPE_WITH_PG
    if (schema_) {
      ASSERT_EQ(schema_->scalar("WITH u AS (" + update + " RETURNING 1) SELECT count(*) FROM u"), 1);
      return;
    }
#endif
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir_.path() + "/data/agape.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    EXPECT_EQ(sqlite3_exec(db, update.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  // `agape reports rebuild` beside the running server.
  void rebuild() {
    const CommandResult r = runAgape({"reports", "rebuild", "--config", dir_.path() + "/agape.yaml"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("rebuilt the sales reports from"), std::string::npos) << r.output;
  }
  Json product_;
};

TEST_P(DashboardServe, FiguresCountKeptOrdersLessRefunds) {
  start();
  const Json ada = order(kAda, {{0, 2}, {1, 1}});
  pay(ada);
  const Json bola = order(kBola, {{2, 1}});
  pay(bola);
  refund(bola, "partial", 500'000);
  const Json cancelled = order(kAda, {{0, 1}});
  ok(send("POST", "/v1/orders/" + cancelled["id"].get<std::string>() + "/cancel", Json::object(), {kAda}));
  const Json refunded = order(kCustomer, {{1, 4}});
  pay(refunded);
  refund(refunded, "refunded", refunded["totals"]["total"]);

  const long long ada1 = ada["totals"]["total"], bola1 = bola["totals"]["total"];
  const Json stats = waitFor("/v1/admin/dashboard/stats", [&](const Json& s) {
    return s["current"]["orders"] == 4 && s["current"]["ordersByStatus"]["refunded"] == 1 &&
           s["current"]["refunded"]["amount"] == 500'000;
  });
  const Json& now = stats["current"];
  EXPECT_EQ(stats["timeZone"], "Africa/Lagos");
  EXPECT_EQ(now["to"], lagosToday());
  EXPECT_EQ(now["from"], lagosToday(-29));
  EXPECT_EQ(now["revenue"], (Json{{"amount", ada1 + bola1 - 500'000}, {"currency", "NGN"}}));
  EXPECT_EQ(now["ordersByStatus"], Json::parse(R"({"pending":0,"paid":2,"processing":0,"shipped":0,"delivered":0,)"
                                               R"("cancelled":1,"expired":0,"refunded":1})"));
  EXPECT_EQ(now["paidOrders"], 2);
  EXPECT_EQ(now["unitsSold"], 4);  // 3 for Ada, 1 for Bola; the refunded order's 4 are not sold
  EXPECT_EQ(now["averageOrderValue"]["amount"], (ada1 + bola1 - 500'000 + 1) / 2);
  EXPECT_EQ(now["payingCustomers"], 2);
  EXPECT_EQ(now["newCustomers"], 2);  // the customer whose only order was refunded is not one
  EXPECT_EQ(stats["previous"]["orders"], 0);
  EXPECT_EQ(stats["previous"]["to"], lagosToday(-30));
  EXPECT_TRUE(stats["change"]["revenue"].is_null());

  // Moving on (shipped) changes nothing in the sums; a cancellation of a
  // paid order takes it out again.
  ok(send("PATCH", "/v1/orders/" + ada["id"].get<std::string>() + "/status", Json{{"status", "processing"}}, {kAdmin}));
  ok(send("POST", "/v1/orders/" + bola["id"].get<std::string>() + "/cancel", Json::object(), {kAdmin}));
  const Json after = waitFor("/v1/admin/dashboard/stats", [](const Json& s) {
    return s["current"]["ordersByStatus"]["cancelled"] == 2 && s["current"]["ordersByStatus"]["processing"] == 1;
  });
  EXPECT_EQ(after["current"]["revenue"]["amount"], ada1);
  EXPECT_EQ(after["current"]["unitsSold"], 3);
  EXPECT_EQ(after["current"]["payingCustomers"], 1);
  EXPECT_EQ(after["current"]["newCustomers"], 1);

  // The same figures again after the model is rebuilt from the orders.
  rebuild();
  EXPECT_EQ(report("/v1/admin/dashboard/stats")["current"], after["current"]);

  // Trends: daily over a week, today last; weekly and monthly buckets.
  const Json daily = report("/v1/admin/dashboard/trends?from=" + lagosToday(-6));
  ASSERT_EQ(daily["data"].size(), 7u);
  EXPECT_EQ(daily["period"], "daily");
  EXPECT_EQ(daily["data"][6]["bucket"], lagosToday());
  EXPECT_EQ(daily["data"][6]["orders"], 4);
  EXPECT_EQ(daily["data"][6]["paidOrders"], 1);
  EXPECT_EQ(daily["data"][6]["revenue"]["amount"], ada1);
  EXPECT_EQ(daily["data"][6]["newCustomers"], 1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(daily["data"][i]["orders"], 0) << i;
  const Json monthly = report("/v1/admin/dashboard/trends?period=monthly&from=" + lagosToday(-400));
  EXPECT_GE(monthly["data"].size(), 14u);
  EXPECT_EQ(monthly["data"].back()["bucket"], lagosToday().substr(0, 7));
  EXPECT_EQ(monthly["data"].back()["orders"], 4);
  const Json weekly = report("/v1/admin/dashboard/trends?period=weekly&from=" + lagosToday(-13));
  EXPECT_GE(weekly["data"].size(), 2u);
  EXPECT_EQ(weekly["data"].back()["orders"], 4);
  EXPECT_EQ(weekly["data"].back()["bucket"].get<std::string>().substr(4, 2), "-W");

  // Best sellers: Ada's 3 units of the one product (as it is called now).
  ok(send("PATCH", "/v1/products/" + product_["id"].get<std::string>(),
          Json{{"name", "Ankara Wrap Dress II"}, {"version", product_["version"]}}, {kAdmin}));
  const Json top = report("/v1/admin/dashboard/top-products?by=revenue&limit=5", kMerchant);
  ASSERT_EQ(top["data"].size(), 1u);
  EXPECT_EQ(top["data"][0]["productId"], product_["id"]);
  EXPECT_EQ(top["data"][0]["name"], "Ankara Wrap Dress II");
  EXPECT_EQ(top["data"][0]["slug"], product_["slug"]);
  EXPECT_EQ(top["data"][0]["units"], 3);
  EXPECT_EQ(top["data"][0]["revenue"], (Json{{"amount", 3 * 1'500'000}, {"currency", "NGN"}}));
  EXPECT_TRUE(report("/v1/admin/dashboard/top-products?from=" + lagosToday(-60) + "&to=" + lagosToday(-31))["data"].empty());
}

TEST_P(DashboardServe, OrdersCountOnTheirLagosDay) {
  start();
  // 2026-11-24T22:59:59.999Z is 23:59:59.999 in Lagos; one millisecond later is the 25th.
  constexpr long long kLastMsOf24th = 1'795'561'199'999;
  const Json late = order(kAda, {{0, 1}});
  pay(late);
  const Json early = order(kBola, {{1, 2}});
  pay(early);
  placeAt(late["id"], kLastMsOf24th);
  placeAt(early["id"], kLastMsOf24th + 1);
  rebuild();
  const Json days = report("/v1/admin/dashboard/trends?from=2026-11-23&to=2026-11-26");
  ASSERT_EQ(days["data"].size(), 4u);
  EXPECT_EQ(days["data"][1]["bucket"], "2026-11-24");
  EXPECT_EQ(days["data"][1]["orders"], 1);
  EXPECT_EQ(days["data"][1]["unitsSold"], 1);
  EXPECT_EQ(days["data"][2]["bucket"], "2026-11-25");
  EXPECT_EQ(days["data"][2]["unitsSold"], 2);
  EXPECT_EQ(days["data"][0]["orders"], 0);
  EXPECT_EQ(days["data"][3]["orders"], 0);
  const Json week = report("/v1/admin/dashboard/trends?period=weekly&from=2026-11-24&to=2026-11-25");
  ASSERT_EQ(week["data"].size(), 1u);
  EXPECT_EQ(week["data"][0]["bucket"], "2026-W48");
  EXPECT_EQ(week["data"][0]["start"], "2026-11-23");
  EXPECT_EQ(week["data"][0]["orders"], 2);
  const Json the24th = report("/v1/admin/dashboard/stats?from=2026-11-24&to=2026-11-24");
  EXPECT_EQ(the24th["current"]["orders"], 1);
  EXPECT_EQ(the24th["current"]["revenue"]["amount"], late["totals"]["total"]);
  EXPECT_EQ(the24th["previous"]["from"], "2026-11-23");
  const Json the25th = report("/v1/admin/dashboard/stats?from=2026-11-25&to=2026-11-25");
  EXPECT_EQ(the25th["current"]["orders"], 1);
  EXPECT_EQ(the25th["previous"]["orders"], 1);
  EXPECT_DOUBLE_EQ(the25th["change"]["orders"].get<double>(), 0.0);
}

TEST_P(DashboardServe, BadPeriodsAreRefusedByName) {
  start();
  auto refused = [&](const std::string& path, const std::set<std::string>& names) {
    const auto r = get(path, {kAdmin});
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(code(r), "validation_failed") << path;
    EXPECT_EQ(fields(r), names) << path << " " << r.body;
  };
  refused("/v1/admin/dashboard/stats?from=yesterday", {"from"});
  refused("/v1/admin/dashboard/stats?from=2026-02-30", {"from"});
  refused("/v1/admin/dashboard/stats?from=2026-11-25&to=2026-11-24", {"to"});
  refused("/v1/admin/dashboard/stats?from=2000-01-01&to=2026-11-24", {"to"});
  refused("/v1/admin/dashboard/stats?period=daily", {"period"});
  refused("/v1/admin/dashboard/trends?period=hourly", {"period"});
  refused("/v1/admin/dashboard/trends?from=2020-01-01&to=2026-01-01", {"period"});
  refused("/v1/admin/dashboard/top-products?limit=0&by=price", {"limit", "by"});
  refused("/v1/admin/dashboard/top-products?limit=101", {"limit"});
  EXPECT_EQ(report("/v1/admin/dashboard/trends?period=monthly&from=2020-01-01&to=2026-01-01")["data"].size(), 73u);
}

TEST_P(DashboardServe, OnlyStaffWhoReadSalesReachTheReports) {
  start();
  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"/v1/admin/dashboard/stats", {kAdmin, kFinance}},
      {"/v1/admin/dashboard/trends", {kAdmin, kFinance}},
      {"/v1/admin/dashboard/top-products", {kAdmin, kFinance, kMerchant}}};
  for (const auto& [path, allowed] : routes) {
    EXPECT_EQ(get(path).status, 401) << path;
    for (const auto& who : {kAdmin, kFinance, kMerchant, kFulfilment, kCustomer}) {
      const bool may = std::find(allowed.begin(), allowed.end(), who) != allowed.end();
      EXPECT_EQ(get(path, {who}).status, may ? 200 : 403) << path << " " << who;
    }
  }
}

// History from `agape seed customers` and `agape seed orders` on a fresh
// database: the reports rebuild themselves at start and count every order.
TEST_P(DashboardServe, SeededHistoryIsRebuiltAtStart) {
  const int port = freePort();
  const std::string shop =
      "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 50ms\nadmin:\n  reportCacheTtl: 0s\n";
  const std::vector<std::string> plugins = {pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"),
                                            pluginEntry("orders"), pluginEntry("admin")};
  // The seeds run with the real auth plugin (seeded customers) and the demo
  // plugin (its seed commands only), the server with test tokens.
  std::vector<std::string> withAuth = plugins;
  withAuth.insert(withAuth.begin(), pluginEntry("auth"));
  withAuth.push_back("demo");
  const std::string seeding = dir_.write(
      "seeding.yaml", testConfig(dir_, port, withAuth,
                                 shop + "auth:\n  generateKeys: true\n  keysDir: " + dir_.path() +
                                     "/keys\ndemo:\n  catalogue: false\n",
                                 databaseUrl()));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"migrate", "up"}, {"seed", "bench", "--products", "40"},
        {"seed", "customers", "--count", "30"}, {"seed", "orders", "--count", "600", "--customers", "30"}}) {
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--config", seeding});
    const CommandResult r = runAgape(full);
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }
  const CommandResult again = runAgape({"seed", "orders", "--count", "5", "--config", seeding});
  EXPECT_EQ(again.exitCode, 1) << again.output;

  std::vector<std::string> withTokens = plugins;
  withTokens.insert(withTokens.begin(), "test.tokens");
  const std::string cfg = dir_.write("agape.yaml", testConfig(dir_, port, withTokens, shop, databaseUrl()));
  serverArgs_ = {"serve", "--config", cfg, "--set", "logging.accessLog=false"};
  server_ = std::make_unique<ServerProcess>(serverArgs_, port);
  ASSERT_TRUE(server_->waitReady()) << server_->output();
  client_ = std::make_unique<HttpClient>(server_->base());
  const std::string year = "/v1/admin/dashboard/stats?from=" + lagosToday(-366) + "&to=" + lagosToday();
  const Json stats = waitFor(year, [](const Json& s) { return s["current"]["orders"] == 600; });
  long long byStatus = 0;
  for (const auto& [status, n] : stats["current"]["ordersByStatus"].items()) byStatus += n.get<long long>();
  EXPECT_EQ(byStatus, 600);
  EXPECT_GT(stats["current"]["ordersByStatus"]["delivered"], 400);
  EXPECT_GT(stats["current"]["revenue"]["amount"], 0);
  EXPECT_LE(stats["current"]["payingCustomers"], 30);
  EXPECT_EQ(stats["current"]["newCustomers"], stats["current"]["payingCustomers"]);
  const Json trend = report("/v1/admin/dashboard/trends?from=" + lagosToday(-364) + "&to=" + lagosToday());
  ASSERT_EQ(trend["data"].size(), 365u);
  long long orders = 0;
  for (const auto& p : trend["data"]) orders += p["orders"].get<long long>();
  EXPECT_GE(orders, 597);  // all but the first day or two of the 366
  EXPECT_EQ(report("/v1/admin/dashboard/top-products?limit=100&from=" + lagosToday(-366))["data"].size(), 40u);
}

std::string salesHeaderLine() {
  return "order_number,placed_at,placed_on,status,customer_email,sku,product,size,color,quantity,unit_price,"
         "line_total,order_total,refunded,currency\r\n";
}

// The records of a CSV file as Python's csv module reads them (strict:
// a malformed quote fails).
Json csvRecords(const std::string& file) {
  const std::string command =
      "python3 -c 'import csv, json, sys\n"
      "with open(sys.argv[1], newline=\"\", encoding=\"utf-8\") as f:\n"
      "    print(json.dumps(list(csv.reader(f, strict=True))))' " + file;
  const auto python = agape::testing::runCommand(command);
  EXPECT_EQ(python.exitCode, 0) << python.output;
  return Json::parse(python.output, nullptr, false);
}

TEST_P(DashboardServe, TheSalesExportIsCsvThatSpreadsheetsReadSafely) {
  start();
  // A product whose name, size and colour need quoting or would be formulas.
  const std::string awkward = "=HYPERLINK(\"http://x\"), Ada's \"Best\"\r\nDress";
  const Json cat = ok(send("POST", "/v1/categories", Json{{"name", "Odd"}, {"slug", "odd"}}, {kAdmin}), 201);
  const Json odd = ok(send("POST", "/v1/products",
                           Json{{"name", awkward}, {"slug", "odd-one"}, {"categoryId", cat["id"]}, {"price", 1'250'050},
                                {"status", "active"},
                                {"variants", {{{"sku", "AWK-1"}, {"size", "@M"}, {"color", "-Red, Blue"}}}}},
                           {kAdmin}),
                      201);
  ok(send("PATCH", "/v1/admin/inventory/" + odd["variants"][0]["id"].get<std::string>() + "/stock",
          Json{{"quantity", 5}, {"reason", "count"}}, {kAdmin}));
  ok(send("POST", "/v1/cart/items", Json{{"variantId", odd["variants"][0]["id"]}, {"quantity", 2}}, {kAda}));
  const Json ada = order(kAda, {{0, 1}});
  pay(ada);
  const Json bola = order(kBola, {{1, 3}});  // pending: exported too, with its status
  const Json old = order(kCustomer, {{2, 1}});
  placeAt(old["id"], 1'792'800'000'000);  // 2026-10-24T00:00Z: before the default period

  const auto r = get("/v1/admin/reports/sales/export", {kFinance});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("content-disposition"),
            "attachment; filename=\"sales-" + lagosToday(-29) + "-to-" + lagosToday() + ".csv\"");
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_FALSE(r.header("x-request-id").empty());
  const std::string file = dir_.write("sales.csv", r.body);
  const Json rows = csvRecords(file);
  ASSERT_TRUE(rows.is_array()) << r.body;
  ASSERT_EQ(rows.size(), 4u) << rows.dump();  // the header, Ada's two lines, Bola's one
  EXPECT_EQ(rows[0], Json::parse(R"(["order_number","placed_at","placed_on","status","customer_email","sku","product",)"
                                 R"("size","color","quantity","unit_price","line_total","order_total","refunded","currency"])"));
  // Lines in the order they were sold, orders oldest first.
  const Json& first = rows[1];
  EXPECT_EQ(first[0], ada["number"]);
  EXPECT_EQ(first[1], ada["createdAt"]);
  EXPECT_EQ(first[2], lagosToday());
  EXPECT_EQ(first[3], "paid");
  EXPECT_EQ(first[4], "u-ada@example.ng");
  EXPECT_EQ(first[5], "AWK-1");
  EXPECT_EQ(first[6], "'" + awkward);
  EXPECT_EQ(first[7], "'@M");
  EXPECT_EQ(first[8], "'-Red, Blue");
  EXPECT_EQ(first[9], "2");
  EXPECT_EQ(first[10], "12500.50");
  EXPECT_EQ(first[11], "25001.00");
  EXPECT_EQ(first[14], "NGN");
  EXPECT_EQ(rows[2][5], "ANK-1-S");
  EXPECT_EQ(rows[2][6], "Ankara Wrap Dress");
  EXPECT_EQ(rows[2][11], "15000.00");
  const long long adaTotal = ada["totals"]["total"];
  char total[32];
  std::snprintf(total, sizeof total, "%lld.%02lld", adaTotal / 100, adaTotal % 100);
  EXPECT_EQ(rows[2][12], total);
  EXPECT_EQ(rows[3][0], bola["number"]);
  EXPECT_EQ(rows[3][3], "pending");
  EXPECT_EQ(rows[3][9], "3");
  // Records end with CRLF; the CR/LF inside the name is quoted.
  EXPECT_EQ(r.body.substr(r.body.size() - 2), "\r\n");

  // The old order alone, by its Lagos day.
  const Json past = csvRecords(dir_.write("past.csv", get("/v1/admin/reports/sales/export?from=2026-10-24&to=2026-10-24",
                                                           {kAdmin}).body));
  ASSERT_EQ(past.size(), 2u);
  EXPECT_EQ(past[1][0], old["number"]);
  EXPECT_EQ(past[1][2], "2026-10-24");
  // An empty period is the header alone.
  EXPECT_EQ(get("/v1/admin/reports/sales/export?from=2026-01-01&to=2026-01-02", {kAdmin}).body, salesHeaderLine());

  EXPECT_EQ(get("/v1/admin/reports/sales/export").status, 401);
  for (const auto& who : {kMerchant, kFulfilment, kCustomer})
    EXPECT_EQ(get("/v1/admin/reports/sales/export", {who}).status, 403) << who;
  const auto bad = get("/v1/admin/reports/sales/export?from=2026-11-31&format=xlsx", {kAdmin});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(fields(bad), (std::set<std::string>{"from", "format"}));
}

AGAPE_BACKENDS(DashboardServe);

}  // namespace
}  // namespace agape::test
