// Resend's webhook as the notifications plugin reads it before touching the
// database: the Svix headers and signature check, the event's meaning
// (status, detail, suppression) and its time, and the secret's decoding.
// The first byte picks the part; the rest is its input. Each must return,
// never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include <agape/clock.h>
#include <agape/crypto.h>
#include <agape/json.h>

#include "delivery_tracker.h"
#include "svix_signature.h"

namespace {

// "svix-id\nsvix-timestamp\nsvix-signature\nbody": a field left out is a
// header that was not sent.
void verify(const std::string& input) {
  static const agape::notifications::SvixVerifier verifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  std::optional<std::string_view> fields[3];
  std::string_view rest = input;
  for (auto& f : fields) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) break;
    f = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  (void)verifier.verify(fields[0], fields[1], fields[2], rest, 1614265330);
}

void interpret(const std::string& input) {
  const agape::Json event = agape::Json::parse(input, nullptr, false);
  if (!event.is_object()) return;
  const auto text = [](const agape::Json& j, const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  const agape::Json data = event.contains("data") ? event["data"] : agape::Json();
  (void)agape::notifications::deliveryChange(text(event, "type"), data);
  (void)agape::parseTime(text(event, "created_at"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      verify(input);
      break;
    case 1:
      interpret(input);
      break;
    default:
      (void)agape::notifications::svixKey(input);
      (void)agape::base64Decode(input);
      break;
  }
  return 0;
}
