#pragma once
// `agape seed customers --count N` (accounts through auth's AccountImport)
// and `agape seed orders --count N` (a year of deterministic order history on
// the catalogue that is there, e.g. `agape seed bench`), for reports and
// their benchmarks.
#include <memory>

#include <agape/commands.h>

namespace agape {
class Clock;
class Database;
}  // namespace agape

namespace agape::catalog {
class VariantDirectory;
}
namespace agape::auth {
class AccountImport;
class UserDirectory;
}
namespace agape::orders {
class OrderHistoryImport;
}

namespace agape::demo {

// The services are read when the command runs (they are found at validate).
struct OrderSeedSources {
  std::shared_ptr<orders::OrderHistoryImport> orders;  // null without the orders plugin
  std::shared_ptr<catalog::VariantDirectory> variants;
  std::shared_ptr<auth::UserDirectory> users;     // null without the auth plugin
  std::shared_ptr<auth::AccountImport> accounts;  // likewise
};

void addHistorySeedCommands(Commands& commands, Database& db, const Clock& clock, const OrderSeedSources& sources);

}  // namespace agape::demo
