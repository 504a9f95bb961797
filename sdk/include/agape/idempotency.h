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
#include <optional>
#include <string>
#include <string_view>

#include "agape/http.h"

namespace agape {

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

}  // namespace agape
