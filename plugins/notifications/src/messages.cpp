#include "messages.h"

#include <agape/money.h>

namespace agape::notifications {
Message compose(std::string kind, std::string to, std::string subject, const Letter& letter, const std::string& store) {
  Message m{std::move(kind), std::move(to), std::move(subject), "", ""};
  const std::string hello = letter.name.empty() ? "Hello," : "Hello " + letter.name + ",";
  m.text = hello + "\n\n";
  m.html = "<!doctype html><html><body style=\"font-family:Helvetica,Arial,sans-serif\"><p>" + htmlEscape(hello) + "</p>";
  for (const auto& p : letter.paragraphs) {
    m.text += p + "\n\n";
    m.html += "<p>" + htmlEscape(p) + "</p>";
  }
  if (!letter.items.empty()) {
    m.html += "<ul>";
    for (const auto& item : letter.items) {
      m.text += "- " + item + "\n";
      m.html += "<li>" + htmlEscape(item) + "</li>";
    }
    m.text += "\n";
    m.html += "</ul>";
  }
  if (!letter.link.empty()) {
    m.text += letter.linkText + ": " + letter.link + "\n\n";
    m.html += "<p><a href=\"" + htmlEscape(letter.link) + "\">" + htmlEscape(letter.linkText) + "</a></p>";
  }
  m.text += "- " + store + "\n";
  m.html += "<p>&mdash; " + htmlEscape(store) + "</p></body></html>";
  return m;
}

std::string displayName(const std::string& from) {
  const auto lt = from.find('<');
  if (lt == std::string::npos || lt == 0) return from;
  std::string name = from.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<Message> verificationMessage(const auth::UserEmailVerificationRequested& e, const std::string& link,
                                           const std::string& store) {
  if (e.email.empty()) return std::nullopt;
  return compose("email_verification", e.email, "Confirm your email address",
                 {.name = e.firstName,
                  .paragraphs = {"Welcome to " + store + ". Please confirm that this is your email address.",
                                 "The link expires at " + e.expiresAt + "."},
                  .link = link,
                  .linkText = "Confirm my email"},
                 store);
}

std::optional<Message> passwordResetMessage(const auth::UserPasswordResetRequested& e, const std::string& link,
                                            const std::string& store) {
  if (e.email.empty()) return std::nullopt;
  return compose("password_reset", e.email, "Reset your password",
                 {.name = e.firstName,
                  .paragraphs = {"Someone asked to reset the password of your " + store + " account. If it was you, "
                                 "choose a new password with the link below; if not, ignore this email and nothing "
                                 "changes.",
                                 "The link expires at " + e.expiresAt + "."},
                  .link = link,
                  .linkText = "Choose a new password"},
                 store);
}

std::optional<Message> passwordChangedMessage(const auth::UserPasswordChanged& e, const std::string& store) {
  if (e.email.empty()) return std::nullopt;
  return compose("password_changed", e.email, "Your password was changed",
                 {.name = e.firstName,
                  .paragraphs = {"The password of your " + store +
                                     " account was just changed and every session was signed out.",
                                 "If this was not you, reset your password at once and contact us."}},
                 store);
}

namespace {

std::string orderLink(const std::string& storefrontUrl, const orders::OrderStatusChange& o) {
  return storefrontUrl + "/orders/" + o.orderId;
}

}  // namespace

std::optional<Message> receiptMessage(const orders::OrderPaid& o, const Customer& to, const std::string& store,
                                      const std::string& storefrontUrl) {
  if (to.email.empty()) return std::nullopt;
  return compose("order_paid", to.email, "Receipt for order " + o.number,
                 {.name = to.firstName,
                  .paragraphs = {"Thank you: we have your payment of " + o.currency + " " + formatMinorUnits(o.total) +
                                     " for order " + o.number + ".",
                                 "We will email you again when it ships. Your invoice is on the order page."},
                  .link = orderLink(storefrontUrl, o),
                  .linkText = "View your order"},
                 store);
}

std::optional<Message> shippedMessage(const orders::OrderShipped& o, const Customer& to, const std::string& store,
                                      const std::string& storefrontUrl) {
  if (to.email.empty()) return std::nullopt;
  const std::string tracking = o.trackingNumber.value_or("");
  return compose("order_shipped", to.email, "Order " + o.number + " is on its way",
                 {.name = to.firstName,
                  .paragraphs = {"Your order " + o.number + " has left our warehouse." +
                                 (tracking.empty() ? std::string() : " Tracking number: " + tracking + ".")},
                  .link = orderLink(storefrontUrl, o),
                  .linkText = "Follow your order"},
                 store);
}

}  // namespace agape::notifications
