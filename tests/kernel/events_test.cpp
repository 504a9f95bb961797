#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "events/event_bus.h"
#include "jobs_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::JobsDbTest;

class EventsTest : public JobsDbTest {};

TEST(EventTopics, ExactAndPrefixPatterns) {
  EXPECT_TRUE(EventBus::matches("order.paid", "order.paid"));
  EXPECT_FALSE(EventBus::matches("order.paid", "order.paid.late"));
  EXPECT_TRUE(EventBus::matches("order.*", "order.paid"));
  EXPECT_TRUE(EventBus::matches("order.*", "order.refund.issued"));
  EXPECT_FALSE(EventBus::matches("order.*", "order"));
  EXPECT_FALSE(EventBus::matches("order.*", "orders.paid"));
  EXPECT_TRUE(EventBus::matches("*", "anything.at.all"));
}

TEST_P(EventsTest, EveryMatchingSubscriberGetsTheEventOnce) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  std::vector<Event> paid, orders, users;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event& e) { paid.push_back(e); }, {});
  bus.subscribe("stats", "order.*", "counter", [&](const Event& e) { orders.push_back(e); }, {});
  bus.subscribe("crm", "user.*", "sync", [&](const Event& e) { users.push_back(e); }, {});
  runner.freeze();

  setCurrentRequestId("req-1");
  const std::string id = db_->run([&](Tx& tx) { return bus.publish(tx, "order.paid", R"({"order":42})"); });
  setCurrentRequestId({});
  EXPECT_EQ(runner.runDue(), 2);
  ASSERT_EQ(paid.size(), 1u);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_TRUE(users.empty());
  EXPECT_EQ(paid[0].id, id);
  EXPECT_EQ(orders[0].id, id) << "one id to deduplicate on, whoever receives it";
  EXPECT_EQ(paid[0].topic, "order.paid");
  EXPECT_EQ(paid[0].payload, R"({"order":42})");
  EXPECT_EQ(paid[0].requestId, "req-1");
  EXPECT_EQ(paid[0].occurredAt, std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.now()));
  EXPECT_EQ(paid[0].attempt, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.receipt'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE id = :id AND deliveries = 2", {{"id", id}}),
            1);
  EXPECT_EQ(runner.runDue(), 0);
}

TEST_P(EventsTest, ARolledBackTransactionPublishesNothing) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  int calls = 0;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++calls; }, {});
  runner.freeze();
  EXPECT_THROW(db_->run([&](Tx& tx) {
    bus.publish(tx, "order.paid", "{}");
    throw std::runtime_error("payment declined");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(calls, 0);
}

TEST_P(EventsTest, AFailingSubscriberRetriesAloneWhileTheOtherSucceeds) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  std::vector<int> flakyAttempts;
  int steadyCalls = 0;
  bus.subscribe("erp", "order.paid", "export", [&](const Event& e) {
    flakyAttempts.push_back(e.attempt);
    if (e.attempt < 3) throw std::runtime_error("ERP unreachable");
  }, {});
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++steadyCalls; }, {});
  runner.freeze();
  db_->run([&](Tx& tx) { bus.publish(tx, "order.paid", "{}"); });

  EXPECT_EQ(runner.runDue(), 2);
  EXPECT_EQ(steadyCalls, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.receipt' AND status = 'done'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.erp.export' AND status = 'pending'"), 1);
  clock_.advance(3s);
  EXPECT_EQ(runner.runDue(), 1);
  clock_.advance(5s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(flakyAttempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(steadyCalls, 1) << "the other subscriber is not redelivered";
}

TEST_P(EventsTest, AnEventWithoutSubscribersIsStillRecorded) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  runner.freeze();
  db_->run([&](Tx& tx) { bus.publish(tx, "catalog.product.created", R"({"sku":"A1"})"); });
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE deliveries = 0"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
}

TEST_P(EventsTest, RefusesBadTopicsAndPayloads) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  EXPECT_THROW(bus.subscribe("p", "Order.Paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.*.paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  bus.subscribe("p", "order.*", "x", [](const Event&) {}, {});
  EXPECT_THROW(bus.subscribe("p", "order.paid", "x", [](const Event&) {}, {}), std::logic_error) << "same queue";
  runner.freeze();
  db_->run([&](Tx& tx) {
    EXPECT_THROW(bus.publish(tx, "order paid", "{}"), std::invalid_argument);
    EXPECT_THROW(bus.publish(tx, "order.paid", "{oops"), std::invalid_argument);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
