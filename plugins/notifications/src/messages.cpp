#include "messages.h"

#include <agape/money.h>

namespace agape::notifications {
namespace {

std::string str(const Json& j, const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; }

}  // namespace

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

std::optional<Message> accountMessage(const std::string& topic, const Json& p, const std::string& store) {
  const std::string email = str(p, "email"), name = str(p, "firstName");
  if (email.empty()) return std::nullopt;
  if (topic == "user.email_verification_requested")
    return compose("email_verification", email, "Confirm your email address",
                   {.name = name,
                    .paragraphs = {"Welcome to " + store + ". Please confirm that this is your email address.",
                                   "The link expires at " + str(p, "expiresAt") + "."},
                    .link = str(p, "link"),
                    .linkText = "Confirm my email"},
                   store);
  if (topic == "user.password_reset_requested")
    return compose("password_reset", email, "Reset your password",
                   {.name = name,
                    .paragraphs = {"Someone asked to reset the password of your " + store + " account. If it was you, "
                                   "choose a new password with the link below; if not, ignore this email and nothing "
                                   "changes.",
                                   "The link expires at " + str(p, "expiresAt") + "."},
                    .link = str(p, "link"),
                    .linkText = "Choose a new password"},
                   store);
  if (topic == "user.password_changed")
    return compose("password_changed", email, "Your password was changed",
                   {.name = name,
                    .paragraphs = {"The password of your " + store +
                                       " account was just changed and every session was signed out.",
                                   "If this was not you, reset your password at once and contact us."}},
                   store);
  return std::nullopt;
}

std::optional<Message> orderMessage(const std::string& topic, const Json& p, const std::string& email,
                                    const std::string& name, const std::string& store, const std::string& storefrontUrl) {
  if (email.empty()) return std::nullopt;
  const std::string number = str(p, "number");
  const std::string link = storefrontUrl + "/orders/" + str(p, "orderId");
  if (topic == "order.paid") {
    const long long total = p.contains("total") && p["total"].is_number_integer() ? p["total"].get<long long>() : 0;
    return compose("order_paid", email, "Receipt for order " + number,
                   {.name = name,
                    .paragraphs = {"Thank you: we have your payment of " + str(p, "currency") + " " +
                                       formatMinorUnits(total) + " for order " + number + ".",
                                   "We will email you again when it ships. Your invoice is on the order page."},
                    .link = link,
                    .linkText = "View your order"},
                   store);
  }
  if (topic == "order.shipped") {
    const std::string tracking = str(p, "trackingNumber");
    return compose("order_shipped", email, "Order " + number + " is on its way",
                   {.name = name,
                    .paragraphs = {"Your order " + number + " has left our warehouse." +
                                   (tracking.empty() ? std::string() : " Tracking number: " + tracking + ".")},
                    .link = link,
                    .linkText = "Follow your order"},
                   store);
  }
  return std::nullopt;
}

}  // namespace agape::notifications
