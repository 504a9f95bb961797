#pragma once
// The emails, built from the events that cause them: text and HTML bodies,
// every value from the event escaped in the HTML.
#include <optional>
#include <string>
#include <vector>

#include <agape/json.h>

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

// user.email_verification_requested | user.password_reset_requested |
// user.password_changed; nullopt for other topics or a payload without email.
std::optional<Message> accountMessage(const std::string& topic, const Json& payload, const std::string& store);
// order.paid | order.shipped, to `email` (looked up by the caller).
std::optional<Message> orderMessage(const std::string& topic, const Json& payload, const std::string& email,
                                    const std::string& name, const std::string& store, const std::string& storefrontUrl);

}  // namespace agape::notifications
