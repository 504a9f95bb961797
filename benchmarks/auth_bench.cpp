// Auth hot paths: access-token verification (every authenticated request,
// on a network thread) and a bcrypt hash at the production cost.
#include <benchmark/benchmark.h>

#include "jwt.h"
#include "password_hasher.h"
#include "rsa_key.h"

namespace {

using namespace agape::auth;

void BM_AccessTokenVerify(benchmark::State& state) {
  static const RsaKey key = RsaKey::generate(2048);
  TokenRules rules{"agape", "agape", std::chrono::seconds(30)};
  const long long now = 1'800'000'000;
  std::string token = signAccessToken(key, rules, {"user", "session", {"customer"}, "jti", now, now + 900});
  KeyFinder find = [](std::string_view kid) { return kid == key.kid() ? &key : nullptr; };
  for (auto _ : state) benchmark::DoNotOptimize(verifyAccessToken(token, find, rules, now));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AccessTokenVerify);

void BM_AccessTokenSign(benchmark::State& state) {
  static const RsaKey key = RsaKey::generate(2048);
  TokenRules rules{"agape", "agape", std::chrono::seconds(30)};
  for (auto _ : state)
    benchmark::DoNotOptimize(signAccessToken(key, rules, {"user", "session", {"customer"}, "jti", 1, 901}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AccessTokenSign);

void BM_BcryptHash(benchmark::State& state) {
  PasswordHasher hasher(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(hasher.hash("Lagos-Rain-2026"));
}
BENCHMARK(BM_BcryptHash)->Arg(10)->Arg(12)->Unit(benchmark::kMillisecond);

}  // namespace
