#pragma once
// The emails, built from the events that cause them: text and HTML bodies,
// every value from the event escaped in the HTML.
#include <optional>
#include <string>
#include <vector>

#include <agape/auth/events.h>
#include <agape/orders/events.h>

namespace agape::notifications {

struct Message {
  // email_verification, password_reset, password_changed, order_paid, order_shipped (to customers);
  // low_stock, low_stock_digest, payments_attention (to staff)
  std::string kind;
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
};

// What a short email says: "Hello <name>," (or "Hello,"), paragraphs, a
// bulleted list, an optional button link; the store signs it.
struct Letter {
  std::string name;
  std::vector<std::string> paragraphs;
  std::vector<std::string> items;
  std::string link;
  std::string linkText;
};
// The text and HTML bodies of `letter`, every value escaped in the HTML.
Message compose(std::string kind, std::string to, std::string subject, const Letter& letter, const std::string& store);

// "Name <addr>" → "Name"; a bare address → the address.
std::string displayName(const std::string& from);
std::string htmlEscape(const std::string& s);

// The account's emails, from auth's events; `link` is the event's one-time
// link, opened. nullopt when the account has no email address.
std::optional<Message> verificationMessage(const auth::UserEmailVerificationRequested& event, const std::string& link,
                                           const std::string& store);
std::optional<Message> passwordResetMessage(const auth::UserPasswordResetRequested& event, const std::string& link,
                                            const std::string& store);
std::optional<Message> passwordChangedMessage(const auth::UserPasswordChanged& event, const std::string& store);

// Who an order email goes to (looked up by the caller: orders' events carry
// the user id only).
struct Customer {
  std::string email;
  std::string firstName;
};
// The receipt (order.paid) and the shipping notice (order.shipped); nullopt
// without an email address.
std::optional<Message> receiptMessage(const orders::OrderPaid& order, const Customer& to, const std::string& store,
                                      const std::string& storefrontUrl);
std::optional<Message> shippedMessage(const orders::OrderShipped& order, const Customer& to, const std::string& store,
                                      const std::string& storefrontUrl);

}  // namespace agape::notifications
