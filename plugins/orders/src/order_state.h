#pragma once
// The order's life: the statuses and the only transitions allowed (API.md):
//   pending → paid → processing → shipped → delivered
//   pending → cancelled | expired
//   paid | processing → cancelled
//   paid | processing | shipped | delivered → refunded
//   cancelled → refunded (only once paid: the cancellation's refund went through)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/orders/events.h"

namespace agape::orders {

using Status = OrderStatus;

const char* statusName(Status s) noexcept;
std::optional<Status> parseStatus(std::string_view name) noexcept;
bool canTransition(Status from, Status to) noexcept;
// Where `from` may go, for error messages.
std::vector<Status> nextStatuses(Status from);
// Every status name, in life order.
const std::vector<std::string>& statusNames();

}  // namespace agape::orders
