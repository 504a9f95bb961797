#pragma once
// The Idempotency-Key contract of API.md for a plugin's POST routes: a retry
// with the same key and body gets the first response again; the same key
// with another body is 409 `idempotency_mismatch`. The plugin owns a table
// of this shape (in its own migrations):
//
//   CREATE TABLE <table> (user_id TEXT NOT NULL, idem_key TEXT NOT NULL,
//     request_hash TEXT NOT NULL, response_status INTEGER, response_body TEXT,
//     created_at BIGINT NOT NULL, PRIMARY KEY (user_id, idem_key));
//
//   db.run([&](Tx& tx) {
//     if (auto first = claimIdempotencyKey(tx, "orders_idempotency", user, key, sha256Hex(body), now))
//       return *first;                                   // a replay
//     Response r = ...;                                  // the work, same transaction
//     storeIdempotentResponse(tx, "orders_idempotency", user, key, r);
//     return r;
//   });
//
// The claim is an INSERT: a concurrent request with the same key waits on
// it (PostgreSQL's unique index, SQLite's write lock) and then replays. A
// transaction that fails rolls its claim back, so the client may retry.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agape/http.h"

namespace agape {

class Database;
class Tx;

// nullopt: this request is the first with the key (do the work, then store
// its response). Else the stored response, marked `Idempotent-Replayed:
// true`. Throws Problem 409 `idempotency_in_progress` when the first request
// committed its claim without a response yet (work split over several
// transactions), and 409 `idempotency_mismatch` for another body.
// `takeOverAfter` > 0: a claim left without a response that long (its
// request died between its transactions) is taken over by this request
// (nullopt), so a key never answers "in progress" for ever.
// `table` is a constant of the calling code, never client input.
std::optional<Response> claimIdempotencyKey(Tx& tx, std::string_view table, const std::string& owner,
                                            const std::string& key, const std::string& requestHash, long long nowMs,
                                            std::chrono::milliseconds takeOverAfter = std::chrono::milliseconds::zero());
// A streamed response (Response::stream) has no whole body to replay, so
// storing one is a bug: std::logic_error.
void storeIdempotentResponse(Tx& tx, std::string_view table, const std::string& owner, const std::string& key,
                             const Response& response);
// Gives a claimed key back, for work that failed after its claim was
// committed (a provider called between two transactions): the client may
// retry with the same key.
void releaseIdempotencyKey(Tx& tx, std::string_view table, const std::string& owner, const std::string& key);
// 400 validation_failed unless 1 to 255 printable ASCII characters.
void checkIdempotencyKey(std::string_view key);

// Work that calls a provider between transactions (a payment started with
// Paystack, a refund), under an Idempotency-Key: the key is claimed in a
// first transaction, the provider called outside any (a slow provider holds
// no connection), the answer stored in a last one, and the key given back
// when the call fails so that the client may retry.
//
//   return runIdempotent(db, {.table = "payments_idempotency", .owner = user, .key = key,
//                             .requestHash = sha256Hex(canonicalBody), .nowMs = now},
//                        {.begin = [&](Tx& tx) { attempt = book.create(tx, ...); return std::nullopt; },
//                         .call = [&] { answer = provider.initialize(attempt); },
//                         .finish = [&](Tx& tx) { book.attach(tx, answer); return Response::json(...); },
//                         .failed = [&](Tx& tx, std::string_view why) { book.fail(tx, attempt, why); }});
struct IdempotentRequest {
  std::string_view table;  // a constant of the calling code, never client input
  std::string owner;
  std::optional<std::string> key;  // the Idempotency-Key header; nullopt: the steps run without one
  std::string requestHash;        // of the request as decoded: the same body always hashes alike
  long long nowMs = 0;
  // As claimIdempotencyKey's: a claim left without an answer this long
  // (its request died between the transactions) is taken over; zero: never.
  std::chrono::milliseconds takeOverAfter = std::chrono::milliseconds::zero();
};

struct IdempotentSteps {
  // In the claim's transaction, once the key is this request's: what the
  // provider will be asked about is written first, so that an answer that
  // comes after a crash still finds it. A response returned here is stored
  // for the key at once: a retry replays it while `call` runs or after a
  // crash (for work that must never be asked for twice, such as a refund).
  std::function<std::optional<Response>(Tx&)> begin;
  // Outside any transaction: the provider. Throw only when the work is not
  // done (refused, or never sent): the key is given back and the exception
  // propagates.
  std::function<void()> call;
  // In the last transaction: records the provider's answer; the response
  // is stored for the key.
  std::function<Response(Tx&)> finish;
  // Optional, after `call` threw: records the failure (`what()` of what it
  // threw) in the transaction that gives the key back.
  std::function<void(Tx&, std::string_view)> failed;
};

// Checks the key (checkIdempotencyKey), then runs the steps; a replay (or
// 409) comes from the claim, as claimIdempotencyKey's. When the transaction
// that gives the key back fails too, what `call` threw still propagates and
// the claim stays (taken over after takeOverAfter).
Response runIdempotent(Database& db, const IdempotentRequest& request, const IdempotentSteps& steps);

}  // namespace agape
