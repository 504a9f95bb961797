#pragma once
// The one-time link an account event carries sealed (auth publishes
// `sealedLink`), opened with the server's keys as the mailer does: tests
// read verification and reset links this way, and see that the event itself
// holds no working link.
#include <string>

#include <nlohmann/json.hpp>

#include "secrets/sealing_keys.h"

namespace agape::test {

inline std::string openedLink(const std::string& dataDir, const nlohmann::json& payload) {
  if (payload.contains("link")) return "";  // a one-time link in clear: the test must fail
  const auto keys = kernel::SealingKeys::load(dataDir + "/secrets", false);
  return keys->open(payload.value("sealedLink", ""), "mail.link:" + payload.value("userId", "")).value_or("");
}

}  // namespace agape::test
