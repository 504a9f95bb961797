#include "plugins/service_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace agape::kernel {
namespace {

class Tax {
 public:
  static constexpr std::string_view kServiceId = "test.tax";
  virtual ~Tax() = default;
  virtual int rateBasisPoints() const = 0;
};

class FlatTax final : public Tax {
 public:
  explicit FlatTax(int bp) : bp_(bp) {}
  int rateBasisPoints() const override { return bp_; }

 private:
  int bp_;
};

class Shipping {
 public:
  static constexpr std::string_view kServiceId = "test.shipping";
  virtual ~Shipping() = default;
};

class FreeShipping final : public Shipping {};

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "(no std::logic_error)";
}

TEST(ServiceRegistry, ProvidedServiceIsFoundAndGot) {
  ServiceRegistry registry;
  registry.provide<Tax>(std::make_shared<FlatTax>(2000));
  auto found = registry.find<Tax>();
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->rateBasisPoints(), 2000);
  EXPECT_EQ(registry.get<Tax>().rateBasisPoints(), 2000);
}

TEST(ServiceRegistry, SecondProviderIsRefusedNamingTheId) {
  ServiceRegistry registry;
  registry.provide<Tax>(std::make_shared<FlatTax>(2000));
  EXPECT_EQ(messageOf([&] { registry.provide<Tax>(std::make_shared<FlatTax>(700)); }),
            "service \"test.tax\" is already provided");
  EXPECT_EQ(registry.get<Tax>().rateBasisPoints(), 2000) << "the first provider stays";
}

TEST(ServiceRegistry, NullImplementationIsRefused) {
  ServiceRegistry registry;
  EXPECT_EQ(messageOf([&] { registry.provide<Tax>(std::shared_ptr<Tax>()); }),
            "service \"test.tax\": cannot provide a null implementation");
  EXPECT_EQ(registry.find<Tax>(), nullptr);
}

TEST(ServiceRegistry, FindAbsentReturnsNull) {
  ServiceRegistry registry;
  registry.provide<Tax>(std::make_shared<FlatTax>(1));
  EXPECT_EQ(registry.find<Shipping>(), nullptr);
}

TEST(ServiceRegistry, GetAbsentThrowsLogicErrorNamingIt) {
  ServiceRegistry registry;
  EXPECT_EQ(messageOf([&] { registry.get<Shipping>(); }), "service not provided: test.shipping");
}

TEST(ServiceRegistry, IdsAreSorted) {
  ServiceRegistry registry;
  EXPECT_TRUE(registry.ids().empty());
  registry.provide<Tax>(std::make_shared<FlatTax>(1));
  registry.provide<Shipping>(std::make_shared<FreeShipping>());
  EXPECT_EQ(registry.ids(), (std::vector<std::string>{"test.shipping", "test.tax"}));
}

TEST(ServiceRegistry, ClearReleasesEveryImplementation) {
  ServiceRegistry registry;
  auto tax = std::make_shared<FlatTax>(1);
  std::weak_ptr<FlatTax> watch = tax;
  registry.provide<Tax>(std::move(tax));
  registry.provide<Shipping>(std::make_shared<FreeShipping>());
  registry.clear();
  EXPECT_TRUE(watch.expired());
  EXPECT_TRUE(registry.ids().empty());
  EXPECT_EQ(registry.find<Tax>(), nullptr);
  // A cleared registry is usable again.
  registry.provide<Tax>(std::make_shared<FlatTax>(3));
  EXPECT_EQ(registry.get<Tax>().rateBasisPoints(), 3);
}

TEST(ServiceRegistry, HolderKeepsServiceAliveAfterClear) {
  ServiceRegistry registry;
  registry.provide<Tax>(std::make_shared<FlatTax>(42));
  auto held = registry.find<Tax>();
  registry.clear();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->rateBasisPoints(), 42);
}

TEST(ServiceRegistry, ConcurrentReadersSeeAConsistentService) {
  ServiceRegistry registry;
  registry.provide<Tax>(std::make_shared<FlatTax>(5));
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto tax = registry.find<Tax>();
        if (!tax || tax->rateBasisPoints() != 5) ++wrong;
        if (registry.find<Shipping>() && registry.ids().size() != 2) ++wrong;
      }
    });
  }
  registry.provide<Shipping>(std::make_shared<FreeShipping>());
  for (auto& r : readers) r.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace agape::kernel
