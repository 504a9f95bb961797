#pragma once
// Deliveries: recorded once per event (with the job that sends them, in one
// transaction), sent by that job, listed for admins.
#include <optional>
#include <string>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/jobs.h>
#include <agape/schema.h>
#include <agape/logger.h>
#include <agape/secret_box.h>

#include "mailer.h"
#include "messages.h"

namespace agape::notifications {

inline constexpr const char* kSendQueue = "notifications.send";

// A delivery as admins see it.
struct Delivery {
  std::string id;
  std::string eventId;
  std::string kind;
  std::string to;
  std::string subject;
  std::string text;  // or a note saying why it is not shown
  std::string status;
  std::string provider;
  std::optional<std::string> providerMessageId;
  long long attempts = 0;
  std::optional<std::string> lastError;
  std::optional<std::string> lastEvent;
  std::optional<Timestamp> lastEventAt;
  Timestamp createdAt;
  Timestamp updatedAt;
};

class DeliveryBook {
 public:
  DeliveryBook(Database& db, Jobs& jobs, const Clock& clock, Mailer& mailer, Logger& log, const SecretBox& secrets)
      : db_(db), jobs_(jobs), clock_(clock), mailer_(mailer), log_(log), secrets_(secrets) {}

  // Records the message for `eventId` and enqueues its sending, in `tx`;
  // the bodies of emails with a one-time link are stored sealed, opened only
  // to send them, and dropped once sent;
  // false (nothing written) when this event's message to this recipient was
  // recorded before. A non-essential message to a suppressed address is
  // recorded `suppressed` and not sent.
  bool record(Tx& tx, const std::string& eventId, const Message& m);
  // The send job: sent once; a permanent failure marks it failed; other
  // failures are counted and rethrown, so the job is retried with backoff.
  void send(const std::string& deliveryId);
  // Admin view, newest first; bodies only while they are kept, never those
  // holding a one-time link.
  Page<Delivery> list(Tx& tx, const std::optional<std::string>& status, const std::optional<std::string>& kind,
                      int page, int limit) const;
  long long nowMs() const { return epochMs(clock_.now()); }

 private:

  Database& db_;
  Jobs& jobs_;
  const Clock& clock_;
  Mailer& mailer_;
  Logger& log_;
  const SecretBox& secrets_;
};

}  // namespace agape::notifications
