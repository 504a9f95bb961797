#pragma once
// The events auth publishes about an account, for the emails that go with
// them. A link to follow is either plain (`link`) or sealed with the
// SecretBox (`sealedLink`, context "mail.link:<userId>") when it grants
// access by itself.

#include <optional>
#include <string>
#include <string_view>

#include <agape/events.h>
#include <agape/schema.h>

namespace agape::auth {

// Who the account is: every user event carries it.
struct AccountHolder {
  std::string userId;
  std::string email;
  std::string name;  // first and last
  std::string firstName;

  template <class E>
  static Schema<E> schemaAs() {
    return Schema<E>()
        .field("userId", &AccountHolder::userId)
        .field("email", &AccountHolder::email)
        .field("name", &AccountHolder::name)
        .field("firstName", &AccountHolder::firstName);
  }
};

// An account event with an optional plain link.
struct AccountNotice : AccountHolder {
  std::optional<std::string> link;

  template <class E>
  static Schema<E> schemaAs() {
    return AccountHolder::schemaAs<E>().field("link", &AccountNotice::link, {.optional = true, .omitWhenNull = true});
  }
};

// An account event with a one-time link, sealed.
struct OneTimeLinkNotice : AccountHolder {
  std::string sealedLink;
  std::string expiresAt;  // RFC 3339

  template <class E>
  static Schema<E> schemaAs() {
    return AccountHolder::schemaAs<E>()
        .field("sealedLink", &OneTimeLinkNotice::sealedLink)
        .field("expiresAt", &OneTimeLinkNotice::expiresAt);
  }
};

// An account was created.
using UserRegistered = EventOf<AccountNotice, "user.registered">;
// The password was changed; `link` is the login page.
using UserPasswordChanged = EventOf<AccountNotice, "user.password_changed">;
// The link verifies the email address.
using UserEmailVerificationRequested = EventOf<OneTimeLinkNotice, "user.email_verification_requested">;
// The link sets a new password.
using UserPasswordResetRequested = EventOf<OneTimeLinkNotice, "user.password_reset_requested">;

}  // namespace agape::auth
