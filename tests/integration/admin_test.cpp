// The admin plugin through the real binary, on SQLite and PostgreSQL: the
// audit trail of real catalogue actions filtered by actor, action, entity,
// entity id and time, paged newest first, bad filters refused by name; jobs
// that fail on purpose (test.failing) seen in the dead letters with their
// last error and retried with an audit entry; only admins reach the routes.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/api_test.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kAnonymous;  // no Authorization header

class AdminServe : public ApiTest {
 protected:
  void start() {
    serve({"test.tokens", pluginEntry("catalog"), "admin", "test.failing"},
          "catalog:\n  cacheTtl: 0s\njobs:\n  pollInterval: 100ms\n");
  }
  Json category(const std::string& name, const std::string& who = kAdmin) {
    return ok(send("POST", "/v1/categories", Json{{"name", name}, {"slug", name}}, {who}), 201);
  }
  Json audit(const std::string& query = "") { return ok(get("/v1/admin/audit-logs" + query, {kAdmin})); }
  static std::vector<std::string> actions(const Json& page) {
    std::vector<std::string> out;
    for (const auto& e : page["data"]) out.push_back(e["action"]);
    return out;
  }
  // One job on test.failing that dies on its first attempt; its id.
  std::string failingJob() {
    const auto r = client_->request("POST", "/v1/test/failing-jobs?attempts=1");
    EXPECT_EQ(r.status, 202) << r.body;
    return Json::parse(r.body)["id"];
  }
  Json jobs(const std::string& query = "") { return ok(get("/v1/admin/jobs" + query, {kAdmin})); }
  // test.failing's counts, or null before it has any job.
  Json failingQueue() {
    const Json all = jobs();
    for (const auto& q : all["queues"])
      if (q["queue"] == "test.failing") return q;
    return nullptr;
  }
  void expectRefused(const std::string& path, const std::set<std::string>& names) {
    const auto r = get(path, {kAdmin});
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(code(r), "validation_failed") << path;
    EXPECT_EQ(fields(r), names) << path << " " << r.body;
  }
};

TEST_P(AdminServe, TheAuditTrailOfRealActionsFilteredNewestFirst) {
  start();
  const Json cat = category("dresses");
  std::this_thread::sleep_for(5ms);  // each entry in a millisecond of its own, for the time filters
  const Json product = ok(send("POST", "/v1/products",
                               Json{{"name", "Ankara Wrap Dress"}, {"categoryId", cat["id"]}, {"price", 1'500'000},
                                    {"status", "active"}, {"variants", Json::array({{{"sku", "ANK-1-S"}, {"size", "S"}}})}},
                               {kMerchant}),
                          201);
  const std::string productId = product["id"];
  std::this_thread::sleep_for(5ms);
  ok(send("PATCH", "/v1/products/" + productId, Json{{"price", 1'400'000}, {"version", product["version"]}}, {kAdmin}));

  const Json all = audit();
  EXPECT_EQ(actions(all), (std::vector<std::string>{"product.update", "product.create", "category.create"}));
  EXPECT_EQ(all["meta"], (Json{{"page", 1}, {"limit", 20}, {"total", 3}, {"totalPages", 1}}));
  const Json created = all["data"][1];
  EXPECT_EQ(created["actor"], "u-merchant");
  EXPECT_EQ(created["entity"], "product");
  EXPECT_EQ(created["entityId"], productId);
  EXPECT_EQ(created["details"]["name"], "Ankara Wrap Dress");  // parsed, not a string
  EXPECT_TRUE(created["requestId"].is_string() && !created["requestId"].get<std::string>().empty()) << created.dump();
  EXPECT_EQ(created["ip"], "127.0.0.1");
  EXPECT_TRUE(created["id"].is_string());
  const std::string at = created["at"];
  EXPECT_EQ(at.size() >= 20 && at.back() == 'Z' && at[10] == 'T', true) << at;
  EXPECT_EQ(all["data"][0]["actor"], "u-admin");
  EXPECT_EQ(all["data"][0]["details"]["price"], 1'400'000);

  EXPECT_EQ(actions(audit("?actor=u-merchant")), std::vector<std::string>{"product.create"});
  const Json byAction = audit("?action=category.create");
  EXPECT_EQ(byAction["meta"]["total"], 1);
  EXPECT_EQ(byAction["data"][0]["entityId"], cat["id"]);
  EXPECT_EQ(byAction["data"][0]["actor"], "u-admin");
  EXPECT_EQ(actions(audit("?entity=product&entityId=" + productId)),
            (std::vector<std::string>{"product.update", "product.create"}));
  EXPECT_EQ(actions(audit("?entity=category")), std::vector<std::string>{"category.create"});
  EXPECT_EQ(actions(audit("?actor=u-admin&entity=product")), std::vector<std::string>{"product.update"});
  const Json none = audit("?actor=u-nobody");
  EXPECT_TRUE(none["data"].empty());
  EXPECT_EQ(none["meta"]["total"], 0);

  // `from` inclusive, `to` exclusive, at the millisecond.
  const std::string updatedAt = all["data"][0]["at"];
  EXPECT_EQ(actions(audit("?from=" + at)), (std::vector<std::string>{"product.update", "product.create"}));
  EXPECT_EQ(actions(audit("?to=" + at)), std::vector<std::string>{"category.create"});
  EXPECT_EQ(actions(audit("?from=" + at + "&to=" + updatedAt)), std::vector<std::string>{"product.create"});
  // Dates: from the oldest entry's day on, all three; before that day, none.
  const std::string day = all["data"][2]["at"].get<std::string>().substr(0, 10);
  EXPECT_EQ(audit("?from=" + day)["meta"]["total"], 3);
  EXPECT_EQ(audit("?to=" + day)["meta"]["total"], 0);
  EXPECT_EQ(audit("?from=" + day + "&action=product.create")["meta"]["total"], 1);
}

TEST_P(AdminServe, TheAuditTrailIsPagedNewestFirst) {
  start();
  for (const char* name : {"c1", "c2", "c3", "c4", "c5"}) category(name);
  auto names = [](const Json& page) {
    std::vector<std::string> out;
    for (const auto& e : page["data"]) out.push_back(e["details"]["name"]);
    return out;
  };
  const Json first = audit("?action=category.create&limit=2");
  EXPECT_EQ(names(first), (std::vector<std::string>{"c5", "c4"}));
  EXPECT_EQ(first["meta"], (Json{{"page", 1}, {"limit", 2}, {"total", 5}, {"totalPages", 3}}));
  EXPECT_EQ(names(audit("?action=category.create&limit=2&page=2")), (std::vector<std::string>{"c3", "c2"}));
  EXPECT_EQ(names(audit("?action=category.create&limit=2&page=3")), std::vector<std::string>{"c1"});
  const Json past = audit("?action=category.create&limit=2&page=4");
  EXPECT_TRUE(past["data"].empty());
  EXPECT_EQ(past["meta"]["total"], 5);
  EXPECT_EQ(audit("?limit=100")["data"].size(), 5u);
}

TEST_P(AdminServe, BadAuditFiltersAreRefusedByName) {
  start();
  expectRefused("/v1/admin/audit-logs?from=yesterday", {"from"});
  expectRefused("/v1/admin/audit-logs?from=2026-13-01", {"from"});
  expectRefused("/v1/admin/audit-logs?to=2026-11-24T10:15:00", {"to"});  // no zone
  expectRefused("/v1/admin/audit-logs?from=2026-11-25&to=2026-11-24", {"to"});
  expectRefused("/v1/admin/audit-logs?from=2026-11-24&to=2026-11-24", {"to"});
  expectRefused("/v1/admin/audit-logs?from=x&to=y", {"from", "to"});
  expectRefused("/v1/admin/audit-logs?user=u-admin", {"user"});
  expectRefused("/v1/admin/audit-logs?actor=u-admin&actor=u-merchant", {"actor"});
  expectRefused("/v1/admin/audit-logs?actor=", {"actor"});
  expectRefused("/v1/admin/audit-logs?entityId=", {"entityId"});
  expectRefused("/v1/admin/audit-logs?limit=0", {"limit"});
  expectRefused("/v1/admin/audit-logs?limit=101", {"limit"});
  expectRefused("/v1/admin/audit-logs?page=0", {"page"});
  // An offset (encoded +) and fractions are times too.
  EXPECT_EQ(get("/v1/admin/audit-logs?from=2026-11-24T11:15:00%2B01:00&to=2126-01-01T00:00:00.5Z", {kAdmin}).status,
            200);
}

TEST_P(AdminServe, DeadJobsAreListedAndRetriedWithAnAuditEntry) {
  start();
  const std::set<std::string> ids = {failingJob(), failingJob(), failingJob()};
  ASSERT_TRUE(eventually([&] {
    const Json q = failingQueue();
    return q.is_object() && q["dead"] == 3;
  }, 30s)) << server_->output();
  const Json q = failingQueue();
  EXPECT_EQ(q["pending"], 0);
  EXPECT_EQ(q["running"], 0);
  EXPECT_EQ(q["done"], 0);
  EXPECT_EQ(q["failed"], 0);
  EXPECT_TRUE(q["oldestPendingSeconds"].is_number());

  const Json dead = jobs("?queue=test.failing")["deadLetters"];
  EXPECT_EQ(dead["meta"], (Json{{"page", 1}, {"limit", 20}, {"total", 3}, {"totalPages", 1}}));
  std::set<std::string> seen;
  for (const auto& d : dead["data"]) {
    seen.insert(d["id"].get<std::string>());
    EXPECT_EQ(d["queue"], "test.failing");
    EXPECT_TRUE(d["payload"].is_object() && d["payload"]["n"].is_number()) << d.dump();  // parsed
    EXPECT_EQ(d["attempts"], 1);
    EXPECT_EQ(d["lastError"], "refused on purpose (attempt 1 of 1)");
    EXPECT_EQ(d["failedAt"].get<std::string>().back(), 'Z');
  }
  EXPECT_EQ(seen, ids);
  const Json filtered = jobs("?queue=test.failing");
  ASSERT_EQ(filtered["queues"].size(), 1u);
  EXPECT_EQ(filtered["queues"][0]["queue"], "test.failing");
  const Json other = jobs("?queue=no.such.queue");
  EXPECT_TRUE(other["queues"].empty());
  EXPECT_TRUE(other["deadLetters"]["data"].empty());
  EXPECT_EQ(other["deadLetters"]["meta"]["total"], 0);

  // Pages of the dead letters, newest first: the same three, once each.
  const Json first = jobs("?queue=test.failing&limit=2")["deadLetters"];
  const Json second = jobs("?queue=test.failing&limit=2&page=2")["deadLetters"];
  EXPECT_EQ(first["meta"], (Json{{"page", 1}, {"limit", 2}, {"total", 3}, {"totalPages", 2}}));
  ASSERT_EQ(first["data"].size(), 2u);
  ASSERT_EQ(second["data"].size(), 1u);
  EXPECT_EQ(first["data"][0], dead["data"][0]);
  EXPECT_EQ(first["data"][1], dead["data"][1]);
  EXPECT_EQ(second["data"][0], dead["data"][2]);
  EXPECT_GE(dead["data"][0]["failedAt"].get<std::string>(), dead["data"][2]["failedAt"].get<std::string>());
  expectRefused("/v1/admin/jobs?limit=100&page=11", {"page"});  // past the newest 1000
  EXPECT_EQ(get("/v1/admin/jobs?limit=100&page=10", {kAdmin}).status, 200);
  expectRefused("/v1/admin/jobs?queue=", {"queue"});
  expectRefused("/v1/admin/jobs?state=dead", {"state"});
  expectRefused("/v1/admin/jobs?limit=101", {"limit"});

  // Healed, one dead job retried: it runs again and succeeds, audited once.
  ASSERT_EQ(client_->request("POST", "/v1/test/failing-jobs/heal").status, 204);
  const std::string retried = dead["data"][1]["id"];
  const auto r = send("POST", "/v1/admin/jobs/" + retried + "/retry", nullptr, {kAdmin});
  EXPECT_EQ(ok(r), (Json{{"id", retried}, {"retried", true}}));
  ASSERT_TRUE(eventually([&] { return failingQueue()["done"] == 1; }, 30s)) << server_->output();
  EXPECT_EQ(failingQueue()["dead"], 2);
  const Json left = jobs("?queue=test.failing");
  for (const auto& d : left["deadLetters"]["data"]) EXPECT_NE(d["id"], retried);

  const Json entries = audit("?action=job.retry");
  ASSERT_EQ(entries["meta"]["total"], 1) << entries.dump();
  const Json e = entries["data"][0];
  EXPECT_EQ(e["actor"], "u-admin");
  EXPECT_EQ(e["entity"], "job");
  EXPECT_EQ(e["entityId"], retried);
  EXPECT_EQ(e["details"], (Json{{"queue", "test.failing"}, {"attempts", 1},
                                {"lastError", "refused on purpose (attempt 1 of 1)"}}));
  EXPECT_EQ(e["ip"], "127.0.0.1");

  // Not dead (any more), or no such job: 404, nothing audited.
  for (const std::string& id : {retried, std::string("999999999"), std::string("not-a-job")}) {
    const auto again = send("POST", "/v1/admin/jobs/" + id + "/retry", nullptr, {kAdmin});
    EXPECT_EQ(again.status, 404) << id << " " << again.body;
    EXPECT_EQ(code(again), "not_found") << again.body;
  }
  EXPECT_EQ(audit("?action=job.retry")["meta"]["total"], 1);
  EXPECT_EQ(audit("?entity=job&entityId=" + retried)["meta"]["total"], 1);
}

TEST_P(AdminServe, OnlyAdminsReachTheAdminRoutes) {
  start();
  struct Route {
    std::string method, path;
    long adminStatus;
  };
  const std::vector<Route> routes = {{"GET", "/v1/admin/audit-logs", 200},
                                     {"GET", "/v1/admin/jobs", 200},
                                     {"POST", "/v1/admin/jobs/999999999/retry", 404}};  // past the role check
  const std::vector<std::pair<std::string, long>> callers = {
      {kAnonymous, 401}, {kCustomer, 403}, {kMerchant, 403}, {kFulfilment, 403}, {kFinance, 403}, {kAdmin, 0}};
  for (const auto& route : routes)
    for (const auto& [who, status] : callers) {
      std::vector<std::string> headers;
      if (!who.empty()) headers.push_back(who);
      const auto r = send(route.method, route.path, nullptr, headers);
      const long expected = status ? status : route.adminStatus;
      EXPECT_EQ(r.status, expected) << route.method << " " << route.path << " as " << (who.empty() ? "anonymous" : who)
                                    << ": " << r.body;
    }
  // A refused retry is not audited either.
  EXPECT_EQ(audit("?action=job.retry")["meta"]["total"], 0);
}

AGAPE_BACKENDS(AdminServe);

}  // namespace
}  // namespace agape::test
