// bcrypt hashing and the password policy.
#include <gtest/gtest.h>

#include "password_hasher.h"
#include "password_policy.h"

namespace agape::auth {
namespace {

TEST(PasswordHasher, HashesAreSaltedBcryptAndVerify) {
  PasswordHasher h(4);
  std::string a = h.hash("correct horse battery");
  std::string b = h.hash("correct horse battery");
  EXPECT_EQ(a.rfind("$2b$04$", 0), 0u) << a;
  EXPECT_EQ(a.size(), 60u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(h.verify("correct horse battery", a));
  EXPECT_FALSE(h.verify("correct horse batterY", a));
  EXPECT_FALSE(h.verify("correct horse battery", "not a hash"));
  EXPECT_FALSE(h.verify("correct horse battery", ""));
}

TEST(PasswordHasher, CostIsHonouredAndChecked) {
  EXPECT_EQ(PasswordHasher(5).hash("0123456789").substr(0, 7), "$2b$05$");
  EXPECT_THROW(PasswordHasher(3), std::invalid_argument);
  EXPECT_THROW(PasswordHasher(32), std::invalid_argument);
}

TEST(PasswordPolicy, BundledListIsLoaded) {
  PasswordPolicy p;
  EXPECT_GT(p.listSize(), 3000u);
}

std::vector<std::string> messages(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    EXPECT_EQ(e.field, "password");
    out.push_back(e.message);
  }
  return out;
}

TEST(PasswordPolicy, Rules) {
  PasswordPolicy p;
  EXPECT_TRUE(p.check("Lagos-Rain-2026", "ada@example.ng").empty());
  EXPECT_EQ(messages(p.check("short", "ada@example.ng")),
            std::vector<std::string>{"must be at least 10 characters long"});
  // Ten characters counted as characters, not bytes.
  EXPECT_TRUE(p.check("ÀÉÎÕÜàéîõü", "ada@example.ng").empty());
  EXPECT_EQ(messages(p.check("1234567890", "ada@example.ng")),
            std::vector<std::string>{"is too common; choose a less predictable password"});
  EXPECT_EQ(messages(p.check("QWERTYUIOP", "ada@example.ng")),  // case-insensitive
            std::vector<std::string>{"is too common; choose a less predictable password"});
  EXPECT_EQ(messages(p.check("Ada.Lovelace@Example.ng", "ada.lovelace@example.ng")),
            std::vector<std::string>{"must not be your email address"});
  EXPECT_EQ(messages(p.check(std::string(73, 'x') + "y", "ada@example.ng")),
            std::vector<std::string>{"must be at most 72 bytes long"});
}

TEST(PasswordPolicy, CustomListAndComments) {
  PasswordPolicy p("#!comment: a list\nnaija-password\r\n");
  EXPECT_EQ(p.listSize(), 1u);
  EXPECT_FALSE(p.check("Naija-Password", "x@y.ng").empty());
  EXPECT_TRUE(p.check("#!comment: a list", "x@y.ng").empty());
}

}  // namespace
}  // namespace agape::auth
