#include "agape/idempotency.h"

#include <stdexcept>

#include "agape/db.h"
#include "agape/problem.h"

namespace agape {

void checkIdempotencyKey(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 255;
  for (unsigned char c : key) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok) throw Problem::validation({{"Idempotency-Key", "must be 1 to 255 printable characters without spaces"}});
}

std::optional<Response> claimIdempotencyKey(Tx& tx, std::string_view table, const std::string& owner,
                                            const std::string& key, const std::string& requestHash, long long nowMs,
                                            std::chrono::milliseconds takeOverAfter) {
  const std::string t(table);
  if (tx.exec("INSERT INTO " + t + " (user_id, idem_key, request_hash, created_at) VALUES (:owner, :key, :hash, :now) "
              "ON CONFLICT DO NOTHING",
              {{"owner", owner}, {"key", key}, {"hash", requestHash}, {"now", nowMs}}) > 0)
    return std::nullopt;
  const auto seen = tx.one("SELECT request_hash, response_status, response_body FROM " + t +
                               " WHERE user_id = :owner AND idem_key = :key",
                           {{"owner", owner}, {"key", key}});
  if (!seen) throw Problem(409, "idempotency_in_progress", "A request with this Idempotency-Key is in progress.");
  if (seen->text("request_hash") != requestHash)
    throw Problem(409, "idempotency_mismatch",
                  "This Idempotency-Key was used with another request body; use a new key for a new request.");
  if (seen->isNull("response_status")) {
    // Of concurrent takers only one moves the claim's time: the others find it fresh.
    if (takeOverAfter.count() > 0 &&
        tx.exec("UPDATE " + t + " SET created_at = :now WHERE user_id = :owner AND idem_key = :key "
                "AND response_status IS NULL AND created_at < :before",
                {{"now", nowMs}, {"owner", owner}, {"key", key},
                 {"before", nowMs - static_cast<long long>(takeOverAfter.count())}}) > 0)
      return std::nullopt;
    throw Problem(409, "idempotency_in_progress", "A request with this Idempotency-Key is in progress; retry shortly.");
  }
  Response r = Response::json(seen->text("response_body"), static_cast<int>(seen->integer("response_status")));
  r.headers.set("Idempotent-Replayed", "true");
  return r;
}

void storeIdempotentResponse(Tx& tx, std::string_view table, const std::string& owner, const std::string& key,
                             const Response& response) {
  if (response.producer)
    throw std::logic_error("a streamed response cannot be stored for an idempotent replay");
  tx.execLater("UPDATE " + std::string(table) +
                   " SET response_status = :status, response_body = :body WHERE user_id = :owner AND idem_key = :key",
               {{"status", response.status}, {"body", response.body}, {"owner", owner}, {"key", key}});
}

void releaseIdempotencyKey(Tx& tx, std::string_view table, const std::string& owner, const std::string& key) {
  tx.exec("DELETE FROM " + std::string(table) + " WHERE user_id = :owner AND idem_key = :key",
          {{"owner", owner}, {"key", key}});
}

Response runIdempotent(Database& db, const IdempotentRequest& request, const IdempotentSteps& steps) {
  if (request.key) checkIdempotencyKey(*request.key);
  const std::optional<Response> replay = db.run([&](Tx& tx) -> std::optional<Response> {
    if (request.key)
      if (auto first = claimIdempotencyKey(tx, request.table, request.owner, *request.key, request.requestHash,
                                           request.nowMs, request.takeOverAfter))
        return first;
    std::optional<Response> early = steps.begin ? steps.begin(tx) : std::nullopt;
    if (early && request.key) storeIdempotentResponse(tx, request.table, request.owner, *request.key, *early);
    return std::nullopt;
  });
  if (replay) return *replay;

  const auto giveBack = [&](std::string_view why) {
    try {
      db.run([&](Tx& tx) {
        if (steps.failed) steps.failed(tx, why);
        if (request.key) releaseIdempotencyKey(tx, request.table, request.owner, *request.key);
      });
    } catch (...) {
      // The provider's failure is the answer; the claim waits for its take-over.
    }
  };
  try {
    if (steps.call) steps.call();
  } catch (const std::exception& e) {
    giveBack(e.what());
    throw;
  } catch (...) {
    giveBack("unknown error");
    throw;
  }

  return db.run([&](Tx& tx) {
    Response r = steps.finish(tx);
    if (request.key) storeIdempotentResponse(tx, request.table, request.owner, *request.key, r);
    return r;
  });
}

}  // namespace agape

