#include "order_state.h"

namespace agape::orders {
namespace {

constexpr Status kAll[] = {Status::Pending,   Status::Paid,      Status::Processing, Status::Shipped,
                           Status::Delivered, Status::Cancelled, Status::Expired,    Status::Refunded};

}  // namespace

// The names are literals: data() is NUL-terminated.
const char* statusName(Status s) noexcept { return orderStatusName(s).data(); }

std::optional<Status> parseStatus(std::string_view name) noexcept {
  for (Status s : kAll)
    if (name == statusName(s)) return s;
  return std::nullopt;
}

bool canTransition(Status from, Status to) noexcept {
  switch (from) {
    case Status::Pending: return to == Status::Paid || to == Status::Cancelled || to == Status::Expired;
    case Status::Paid: return to == Status::Processing || to == Status::Cancelled || to == Status::Refunded;
    case Status::Processing: return to == Status::Shipped || to == Status::Cancelled || to == Status::Refunded;
    case Status::Shipped: return to == Status::Delivered || to == Status::Refunded;
    case Status::Delivered: return to == Status::Refunded;
    case Status::Cancelled: return to == Status::Refunded;
    case Status::Expired:
    case Status::Refunded: return false;
  }
  return false;
}

std::vector<Status> nextStatuses(Status from) {
  std::vector<Status> out;
  for (Status s : kAll)
    if (canTransition(from, s)) out.push_back(s);
  return out;
}

const std::vector<std::string>& statusNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (Status s : kAll) v.emplace_back(statusName(s));
    return v;
  }();
  return names;
}

}  // namespace agape::orders
