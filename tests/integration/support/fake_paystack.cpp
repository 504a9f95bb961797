#include "support/fake_paystack.h"

#include <algorithm>

#include <agape/crypto.h>

namespace agape::test {
namespace {

using Json = nlohmann::json;

Json envelope(bool ok, const std::string& message, Json data = nullptr) {
  Json j = {{"status", ok}, {"message", message}};
  if (!data.is_null()) j["data"] = std::move(data);
  return j;
}

// The value of `name` in the query of `uri` ("" when absent).
std::string queryParam(const std::string& uri, const std::string& name) {
  const auto query = uri.find('?');
  if (query == std::string::npos) return {};
  for (std::size_t at = query + 1; at < uri.size();) {
    const auto end = std::min(uri.find('&', at), uri.size());
    const std::string pair = uri.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return {};
}

}  // namespace

FakePaystack::FakePaystack(std::string secretKey)
    : secret_(std::move(secretKey)), server_(std::make_unique<testing::LoopbackHttpServer>([this](const testing::LoopbackRequest& r) {
        return handle(r.method, r.uri, r.header("Authorization"), r.body);
      })) {}

FakePaystack::~FakePaystack() {
  releaseRefunds();
  server_.reset();
}

void FakePaystack::refuseRefunds(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  refuseRefunds_ = n;
}

void FakePaystack::loseRefundAnswers(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  loseRefundAnswers_ = n;
}

void FakePaystack::holdRefunds(bool created) {
  std::lock_guard<std::mutex> lock(mutex_);
  holdRefunds_ = true;
  holdCreates_ = created;
}

int FakePaystack::heldRefunds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_;
}

void FakePaystack::releaseRefunds() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    holdRefunds_ = false;
  }
  released_.notify_all();
}

std::string FakePaystack::url() const { return server_->url(); }

void FakePaystack::failNext(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  failNext_ = n;
}

int FakePaystack::listRequests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return listRequests_;
}

int FakePaystack::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::string FakePaystack::lastAuthorization() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastAuthorization_;
}

std::optional<FakePaystack::Transaction> FakePaystack::transaction(const std::string& reference) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = transactions_.find(reference);
  if (it == transactions_.end()) return std::nullopt;
  return it->second;
}

Json FakePaystack::dataOf(const Transaction& t) const {
  return {{"id", t.id},
          {"domain", "test"},
          {"status", t.status},
          {"reference", t.reference},
          {"amount", t.amount},
          {"message", nullptr},
          {"gateway_response", t.status == "success" ? "Successful" : "The transaction was not completed"},
          {"paid_at", t.status == "success" ? Json("2026-11-24T09:15:02.000Z") : Json(nullptr)},
          {"created_at", "2026-11-24T09:14:24.000Z"},
          {"channel", "card"},
          {"currency", t.currency},
          {"metadata", t.metadata.is_null() ? Json("") : t.metadata},
          {"fees", 10283},
          {"customer", {{"id", 181873746}, {"email", t.email}, {"customer_code", "CUS_1rkzaqsv4rrhqo6"}}},
          {"authorization", {{"authorization_code", "AUTH_uh8bcl3zbn"}, {"last4", "4081"}, {"brand", "visa"}}}};
}

FakePaystack::Webhook FakePaystack::pay(const std::string& reference, std::optional<long long> reportedAmount) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction& t = transactions_.at(reference);
  t.status = "success";
  if (reportedAmount) t.amount = *reportedAmount;
  const std::string body = Json{{"event", "charge.success"}, {"data", dataOf(t)}}.dump();
  return {body, hexEncode(hmacSha512(secret_, body))};
}

std::vector<FakePaystack::Refund> FakePaystack::refunds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return refunds_;
}

FakePaystack::Webhook FakePaystack::settleRefund(long long refundId, bool processed) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& r : refunds_)
    if (r.id == refundId) {
      r.status = processed ? "processed" : "failed";
      const std::string body =
          Json{{"event", processed ? "refund.processed" : "refund.failed"},
               {"data", {{"status", r.status}, {"transaction_reference", r.transactionReference},
                         {"refund_reference", processed ? Json("1320" + std::to_string(r.id)) : Json(nullptr)},
                         {"amount", std::to_string(r.amount)}, {"currency", "NGN"}, {"processor", "mpgs_zen"},
                         {"integration", 412829}, {"domain", "test"}}}}
              .dump();
      return {body, hexEncode(hmacSha512(secret_, body))};
    }
  throw std::out_of_range("no such refund");
}

FakePaystack::Reply FakePaystack::handle(const std::string& method, const std::string& path,
                                         const std::string& authorization, const std::string& body) {
  std::unique_lock<std::mutex> lock(mutex_);
  ++requests_;
  lastAuthorization_ = authorization;
  if (failNext_ > 0) {
    --failNext_;
    return {503, envelope(false, "Service unavailable")};
  }
  if (authorization != "Bearer " + secret_) return {401, envelope(false, "Invalid key")};
  if (method == "POST" && path == "/transaction/initialize") {
    const Json in = Json::parse(body, nullptr, false);
    if (!in.is_object() || !in.contains("email") || !in.contains("amount"))
      return {400, {{"status", false}, {"message", "Missing params"}, {"type", "validation_error"}, {"code", "missing_params"}}};
    Transaction t;
    t.email = in["email"];
    t.amount = in["amount"].is_string() ? std::stoll(in["amount"].get<std::string>()) : in["amount"].get<long long>();
    t.currency = in.value("currency", "NGN");
    t.reference = in.value("reference", "re" + std::to_string(nextId_));
    t.metadata = in.value("metadata", Json());
    t.callbackUrl = in.value("callback_url", "");
    if (transactions_.count(t.reference))
      return {400, {{"status", false}, {"message", "Duplicate Transaction Reference"},
                    {"meta", {{"nextStep", "Try and create the Transaction or Charge with a new reference"}}},
                    {"type", "validation_error"}, {"code", "duplicate_reference"}}};
    t.id = nextId_++;
    const std::string code = "ac" + std::to_string(t.id);
    transactions_[t.reference] = t;
    return {200, envelope(true, "Authorization URL created",
                          {{"authorization_url", "https://checkout.paystack.com/" + code}, {"access_code", code},
                           {"reference", t.reference}})};
  }
  if (method == "POST" && path == "/refund") {
    const Json in = Json::parse(body, nullptr, false);
    if (!in.is_object() || !in.contains("transaction")) return {400, envelope(false, "Transaction is required")};
    const auto it = transactions_.find(in["transaction"].get<std::string>());
    if (it == transactions_.end() || it->second.status != "success")
      return {400, envelope(false, "Transaction not found or not successful")};
    long long refunded = 0;
    for (const auto& r : refunds_)
      if (r.transactionReference == it->first && r.status != "failed") refunded += r.amount;
    const long long amount = in.contains("amount") ? in["amount"].get<long long>() : it->second.amount - refunded;
    if (amount < 1 || refunded + amount > it->second.amount)
      return {400, envelope(false, "Refund amount cannot be more than the transaction amount")};
    if (refuseRefunds_ > 0) {
      --refuseRefunds_;
      return {400, {{"status", false}, {"message", "Refund cannot be processed for this transaction"},
                    {"type", "validation_error"}, {"code", "invalid_params"}}};
    }
    const bool hold = holdRefunds_;
    if (hold && !holdCreates_) {
      // Held before it got anywhere: never created.
      ++held_;
      released_.wait(lock, [&] { return !holdRefunds_; });
      --held_;
      return {503, envelope(false, "Service unavailable")};
    }
    Refund r{static_cast<long long>(3018284 + refunds_.size()), it->first, amount, "pending", in.value("merchant_note", "")};
    refunds_.push_back(r);
    if (hold) {
      ++held_;
      released_.wait(lock, [&] { return !holdRefunds_; });
      --held_;
      return {503, envelope(false, "Service unavailable")};
    }
    if (loseRefundAnswers_ > 0) {
      --loseRefundAnswers_;
      return {503, envelope(false, "Service unavailable")};
    }
    return {200, envelope(true, "Refund has been queued for processing",
                          {{"transaction", dataOf(it->second)}, {"integration", 412829}, {"deducted_amount", 0},
                           {"merchant_note", r.merchantNote}, {"status", "pending"}, {"currency", "NGN"},
                           {"domain", "test"}, {"amount", amount}, {"fully_deducted", false}, {"id", r.id}})};
  }
  if (method == "GET" && path.rfind("/refund?", 0) == 0) {
    // transaction=<id or reference>&perPage=N&page=P
    const std::string transaction = queryParam(path, "transaction");
    const long long page = queryParam(path, "page").empty() ? 1 : std::stoll(queryParam(path, "page"));
    Json data = Json::array();
    if (page == 1)
      for (const auto& r : refunds_) {
        const Transaction& t = transactions_.at(r.transactionReference);
        if (!transaction.empty() && transaction != t.reference && transaction != std::to_string(t.id)) continue;
        data.push_back({{"id", r.id}, {"integration", 412829}, {"domain", "test"}, {"transaction", t.id},
                        {"dispute", nullptr}, {"amount", r.amount}, {"deducted_amount", r.amount},
                        {"currency", "NGN"}, {"channel", "card"}, {"fully_deducted", true},
                        {"refunded_by", "finance@shop.example.ng"}, {"merchant_note", r.merchantNote},
                        {"status", r.status}, {"createdAt", "2026-11-24T10:02:11.000Z"}});
      }
    Json j = envelope(true, "Refunds retrieved", data);
    j["meta"] = {{"perPage", 100}, {"page", page}};
    return {200, j};
  }
  if (method == "GET" && path.rfind("/transaction?", 0) == 0) {
    // status=success&perPage|per_page=N&page=P (from/to accepted, not applied)
    const auto param = [&](const std::string& name) { return queryParam(path, name); };
    const std::string perPageText = param("perPage").empty() ? param("per_page") : param("perPage");
    const long long perPage = perPageText.empty() ? 50 : std::stoll(perPageText);
    const long long page = param("page").empty() ? 1 : std::stoll(param("page"));
    const std::string status = param("status");
    Json data = Json::array();
    long long seen = 0;
    for (const auto& [ref, t] : transactions_) {
      if (!status.empty() && t.status != status) continue;
      if (seen++ >= (page - 1) * perPage && static_cast<long long>(data.size()) < perPage) data.push_back(dataOf(t));
    }
    Json j = envelope(true, "Transactions retrieved", data);
    j["meta"] = {{"next", nullptr}, {"previous", nullptr}, {"perPage", perPage}};
    ++listRequests_;
    return {200, j};
  }
  const std::string verify = "/transaction/verify/";
  if (method == "GET" && path.rfind(verify, 0) == 0) {
    const auto it = transactions_.find(path.substr(verify.size()));
    if (it == transactions_.end()) return {400, envelope(false, "Transaction reference not found")};
    return {200, envelope(true, "Verification successful", dataOf(it->second))};
  }
  return {404, envelope(false, "Not found")};
}

}  // namespace agape::test
