#pragma once
// `agape seed orders --count N`: a year of deterministic order history on the
// catalogue that is there (e.g. `agape seed bench`), for reports and their
// benchmarks.
#include <memory>

#include <agape/commands.h>

namespace agape {
class Clock;
class Database;
class Events;
}  // namespace agape

namespace agape::catalog {
class VariantDirectory;
}
namespace agape::auth {
class UserDirectory;
}

namespace agape::orders {

struct OrdersConfig;

// The services are read when the command runs (they are found at validate).
struct SeedSources {
  std::shared_ptr<catalog::VariantDirectory> variants;
  std::shared_ptr<auth::UserDirectory> users;  // null without the auth plugin
};

void addOrderSeedCommand(Commands& commands, Database& db, Events& events, const Clock& clock,
                         const OrdersConfig& config, const SeedSources& sources);

}  // namespace agape::orders
