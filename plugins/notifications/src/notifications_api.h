#pragma once
// The notifications plugin's routes: Resend's webhook, and for admins the
// deliveries and the suppression list.
#include <memory>
#include <optional>

#include <agape/audit.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/http.h>

#include "delivery_book.h"
#include "delivery_tracker.h"
#include "svix_signature.h"

namespace agape::notifications {

class NotificationsApi {
 public:
  // `verifier` is null when no webhook secret is configured: the webhook
  // then answers 401 to everything.
  NotificationsApi(Database& db, Audit& audit, const Clock& clock, DeliveryBook& book,
                   DeliveryTracker& tracker, std::unique_ptr<SvixVerifier> verifier)
      : db_(db),
        audit_(audit),
        clock_(clock),
        book_(book),
        tracker_(tracker),
        verifier_(std::move(verifier)) {}

  void registerRoutes(Routes& routes);

 private:
  // Applies a signed Resend event; true when it was a redelivery.
  bool webhook(const Request& req);

  Database& db_;
  Audit& audit_;
  const Clock& clock_;
  DeliveryBook& book_;
  DeliveryTracker& tracker_;
  std::unique_ptr<SvixVerifier> verifier_;
};

}  // namespace agape::notifications
