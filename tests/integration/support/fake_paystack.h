#pragma once
// A Paystack API on loopback for the end-to-end tests, speaking the wire
// format of its docs: Bearer secret key, the {status, message, data}
// envelope, POST /transaction/initialize (amount as number or string,
// duplicate references refused with 400), GET /transaction/verify/:reference
// (400 "Transaction reference not found" for an unknown one), GET
// /transaction (list), POST /refund, GET /refund?transaction= (a
// transaction's refunds, by its id or reference). The test pays
// a transaction (pay) and gets the charge.success webhook as Paystack would
// send it: raw body plus its x-paystack-signature.
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <agape/testing/loopback_http.h>
#include <nlohmann/json.hpp>

namespace agape::test {

class FakePaystack {
 public:
  struct Transaction {
    std::string reference;
    std::string email;
    long long amount = 0;
    std::string currency;
    std::string status = "abandoned";
    long long id = 0;
    nlohmann::json metadata;
    std::string callbackUrl;
  };
  struct Webhook {
    std::string body;
    std::string signature;
  };

  explicit FakePaystack(std::string secretKey);
  ~FakePaystack();
  std::string url() const;  // http://127.0.0.1:<port>

  // The next `n` requests answer 503 (the provider is down).
  void failNext(int n);
  // The next `n` POST /refund are refused (400, nothing created).
  void refuseRefunds(int n);
  // The next `n` POST /refund create their refund, then answer 503: the
  // caller cannot know the refund exists.
  void loseRefundAnswers(int n);
  // POST /refund calls wait until releaseRefunds() (a call in flight when
  // its caller dies), having created their refund first when `created`.
  void holdRefunds(bool created);
  int heldRefunds() const;
  void releaseRefunds();
  // The transaction succeeds (with another amount when given); its webhook.
  Webhook pay(const std::string& reference, std::optional<long long> reportedAmount = std::nullopt);
  std::optional<Transaction> transaction(const std::string& reference) const;
  struct Refund {
    long long id = 0;
    std::string transactionReference;
    long long amount = 0;
    std::string status = "pending";
    std::string merchantNote;
  };
  std::vector<Refund> refunds() const;
  // The refund is processed (or failed); its webhook, as Paystack sends it
  // (amount as a string).
  Webhook settleRefund(long long refundId, bool processed = true);
  int requests() const;
  int listRequests() const;  // GET /transaction calls
  std::string lastAuthorization() const;

  // Called by the server's handler threads.
  using Reply = testing::LoopbackReply;
  Reply handle(const std::string& method, const std::string& path, const std::string& authorization,
               const std::string& body);

 private:
  nlohmann::json dataOf(const Transaction& t) const;

  std::string secret_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  int loseRefundAnswers_ = 0;
  int refuseRefunds_ = 0;
  bool holdRefunds_ = false;
  bool holdCreates_ = false;
  int held_ = 0;
  std::map<std::string, Transaction> transactions_;
  std::vector<Refund> refunds_;
  int failNext_ = 0;
  int requests_ = 0;
  int listRequests_ = 0;
  long long nextId_ = 4099260516;
  std::string lastAuthorization_;
  std::unique_ptr<testing::LoopbackHttpServer> server_;  // last: stopped before the state it reads
};

}  // namespace agape::test
