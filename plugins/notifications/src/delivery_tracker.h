#pragma once
// What Resend's webhooks report about the emails it took: each message
// (svix-id) applied once, in the caller's transaction, to the delivery whose
// provider message id it names. Statuses only move forward
// (sent → delivered → bounced/complained; sent → failed/suppressed): a late
// `email.delivered` never undoes a bounce. A permanent bounce, a complaint,
// or Resend's own suppression puts the address on the suppression list.
#include <string>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/logger.h>

namespace agape::notifications {

// What an event does to its delivery: the status it moves to, from which
// statuses (a constant SQL list, so never backwards), why (last_error), and
// whether the address goes on the suppression list.
struct DeliveryChange {
  const char* status = nullptr;  // nullptr: the status stays (delivery_delayed, opened, clicked, ...)
  const char* from = "";
  std::string detail;
  const char* suppress = nullptr;  // the suppression reason, or nullptr
};
// From the webhook's `type` and `data` (which may hold anything).
DeliveryChange deliveryChange(const std::string& type, const Json& data);

struct TrackedEvent {
  bool duplicate = false;  // this svix-id was applied before: nothing changed
  bool known = false;      // it named one of our deliveries
};

class DeliveryTracker {
 public:
  DeliveryTracker(const Clock& clock, Logger& log) : clock_(clock), log_(log) {}

  // `event` is the webhook's body ({type, created_at, data: {email_id, ...}}).
  TrackedEvent apply(Tx& tx, const std::string& svixId, const Json& event);
  // Forgets the svix-ids received before `beforeMs`; how many.
  long long purge(Tx& tx, long long beforeMs) const;

 private:
  const Clock& clock_;
  Logger& log_;
};

}  // namespace agape::notifications
