#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "jobs_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::JobsDbTest;

class AuditTest : public JobsDbTest {
 protected:
  void record(AuditLog& audit, const std::string& actor, const std::string& action, const std::string& entity,
              const std::string& id) {
    db_->run([&](Tx& tx) { audit.record(actor, action, entity, id, R"({"k":1})", tx); });
    clock_.advance(1s);
  }
};

TEST_P(AuditTest, RecordsWithTheRequestIdAndClientIpOfTheRequest) {
  AuditLog audit(*db_, clock_);
  setCurrentRequestId("req-7");
  setCurrentClientIp("203.0.113.9");
  db_->run([&](Tx& tx) { audit.record("user-1", "product.update", "product", "p-9", R"({"price":[100,120]})", tx); });
  setCurrentRequestId({});
  setCurrentClientIp({});
  db_->run([&](Tx& tx) { audit.record("system", "order.expire", "order", "o-1", "", tx); });

  auto page = audit.query({});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.entries.size(), 2u);
  const AuditEntry& e = page.entries[1];
  EXPECT_EQ(e.actor, "user-1");
  EXPECT_EQ(e.action, "product.update");
  EXPECT_EQ(e.entity, "product");
  EXPECT_EQ(e.entityId, "p-9");
  EXPECT_EQ(e.details, R"({"price":[100,120]})");
  EXPECT_EQ(e.requestId, "req-7");
  EXPECT_EQ(e.ip, "203.0.113.9");
  EXPECT_EQ(e.at, std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.now()));
  EXPECT_EQ(page.entries[0].requestId, "");
  EXPECT_EQ(page.entries[0].details, "{}");
}

TEST_P(AuditTest, ARolledBackChangeLeavesNoEntry) {
  AuditLog audit(*db_, clock_);
  EXPECT_THROW(db_->run([&](Tx& tx) {
    audit.record("u", "product.delete", "product", "p", "{}", tx);
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  EXPECT_EQ(audit.query({}).total, 0);
}

TEST_P(AuditTest, FiltersNewestFirstWithPagination) {
  AuditLog audit(*db_, clock_);
  const auto start = clock_.now();
  for (int i = 0; i < 5; ++i) record(audit, "alice", "product.update", "product", "p" + std::to_string(i));
  record(audit, "bob", "user.roles_changed", "user", "u1");
  record(audit, "alice", "user.roles_changed", "user", "u2");

  EXPECT_EQ(audit.query({.actor = "alice"}).total, 6);
  EXPECT_EQ(audit.query({.action = "user.roles_changed"}).total, 2);
  EXPECT_EQ(audit.query({.entity = "user", .entityId = "u2"}).total, 1);
  EXPECT_EQ(audit.query({.actor = "bob", .entity = "product"}).total, 0);

  AuditQuery q;
  q.actor = "alice";
  q.entity = "product";
  q.limit = 2;
  auto p1 = audit.query(q);
  EXPECT_EQ(p1.total, 5);
  ASSERT_EQ(p1.entries.size(), 2u);
  EXPECT_EQ(p1.entries[0].entityId, "p4");
  EXPECT_EQ(p1.entries[1].entityId, "p3");
  q.page = 3;
  auto p3 = audit.query(q);
  EXPECT_EQ(p3.total, 5);
  ASSERT_EQ(p3.entries.size(), 1u);
  EXPECT_EQ(p3.entries[0].entityId, "p0");
  q.page = 4;
  EXPECT_TRUE(audit.query(q).entries.empty());

  // [from, to): entries 1..3 (recorded at start+1s .. start+3s).
  AuditQuery range;
  range.from = start + 1s;
  range.to = start + 4s;
  auto r = audit.query(range);
  EXPECT_EQ(r.total, 3);
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].entityId, "p3");
  EXPECT_EQ(r.entries[2].entityId, "p1");

  EXPECT_THROW(audit.query({.page = 0}), std::invalid_argument);
  EXPECT_THROW(audit.query({.limit = 101}), std::invalid_argument);
}

TEST_P(AuditTest, TheTrailIsAppendOnly) {
  AuditLog audit(*db_, clock_);
  record(audit, "alice", "product.update", "product", "p1");
  EXPECT_THROW(db_->run([](Tx& tx) { tx.exec("UPDATE agape_audit SET actor = 'mallory'"); }), DbError);
  EXPECT_THROW(db_->run([](Tx& tx) { tx.exec("DELETE FROM agape_audit"); }), DbError);
  EXPECT_EQ(audit.query({.actor = "alice"}).total, 1);
}

TEST_P(AuditTest, RefusesMissingFieldsAndInvalidDetails) {
  AuditLog audit(*db_, clock_);
  db_->run([&](Tx& tx) {
    EXPECT_THROW(audit.record("", "a.b", "e", "1", "{}", tx), std::invalid_argument);
    EXPECT_THROW(audit.record("u", "a.b", "e", "1", "{not json", tx), std::invalid_argument);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
