#pragma once
// The orders' OrderHistoryImport: rows straight into its own tables.
#include <agape/orders/order_history_import.h>

#include <string>

namespace agape {
class Events;
}

namespace agape::orders {

class OrderHistoryImportImpl final : public OrderHistoryImport {
 public:
  OrderHistoryImportImpl(Events& events, std::string numberPrefix)
      : events_(events), numberPrefix_(std::move(numberPrefix)) {}
  bool hasOrders(Tx& tx) const override;
  void add(Tx& tx, const std::vector<ImportedOrder>& orders) const override;
  void finish(Database& db, int count, long long fromMs, long long toMs) const override;

 private:
  Events& events_;
  std::string numberPrefix_;
};

}  // namespace agape::orders
