#include "sandbox_provider.h"

#include <chrono>

#include <agape/clock.h>
#include <agape/crypto.h>

namespace agape::payments {

InitResult SandboxProvider::initialize(const InitRequest& in) {
  db_.run([&](Tx& tx) {
    tx.exec("INSERT INTO payments_sandbox_charges (reference, amount, currency, email, status) "
            "VALUES (:ref, :amount, :currency, :email, 'abandoned') ON CONFLICT DO NOTHING",
            {{"ref", in.reference}, {"amount", in.amount}, {"currency", in.currency}, {"email", in.email}});
  });
  return {publicBaseUrl_ + "/v1/sandbox/checkout/" + in.reference, "sandbox-" + in.reference, in.reference};
}

std::optional<Charge> SandboxProvider::find(Tx& tx, const std::string& reference) const {
  const auto r = tx.one("SELECT reference, amount, currency, status, paid_at FROM payments_sandbox_charges "
                        "WHERE reference = :ref",
                        {{"ref", reference}});
  if (!r) return std::nullopt;
  return Charge{r->text("reference"), r->text("status"), r->integer("amount"), r->text("currency"),
                "sandbox-" + r->text("reference"), "sandbox", r->optText("paid_at").value_or("")};
}

std::optional<Charge> SandboxProvider::verify(const std::string& reference) {
  return db_.read([&](Tx& tx) { return find(tx, reference); });
}

std::optional<std::string> SandboxProvider::pay(const std::string& reference, const std::string& paidAt) {
  const auto charge = db_.run([&](Tx& tx) -> std::optional<Charge> {
    tx.exec("UPDATE payments_sandbox_charges SET status = 'success', paid_at = :at WHERE reference = :ref "
            "AND status <> 'success'",
            {{"at", paidAt}, {"ref", reference}});
    return find(tx, reference);
  });
  if (!charge) return std::nullopt;
  return Json{{"event", "charge.success"},
              {"data", {{"id", charge->providerId}, {"status", "success"}, {"reference", charge->reference},
                        {"amount", charge->amount}, {"currency", charge->currency}, {"channel", "sandbox"},
                        {"paid_at", charge->paidAt}, {"gateway_response", "Successful"}}}}
      .dump();
}

RefundResult SandboxProvider::refund(const RefundRequest& in) {
  if (!verify(in.reference)) throw ProviderError(false, "the sandbox has no transaction " + in.reference);
  const std::string id = "sandbox-refund-" + hexEncode(randomBytes(8));
  db_.run([&](Tx& tx) {
    tx.exec("INSERT INTO payments_sandbox_refunds (id, reference, amount, created_at) VALUES (:id, :ref, :amount, :now)",
            {{"id", id}, {"ref", in.reference}, {"amount", in.amount},
             {"now", epochMs(std::chrono::system_clock::now())}});
  });
  return {id, "processed"};
}

std::vector<ProviderRefund> SandboxProvider::refunds(const std::string& reference, const std::string&) {
  return db_.read([&](Tx& tx) {
    std::vector<ProviderRefund> out;
    for (const auto& r : tx.query("SELECT id, amount FROM payments_sandbox_refunds WHERE reference = :ref "
                                  "ORDER BY created_at, id",
                                  {{"ref", reference}}))
      out.push_back({r.text("id"), r.integer("amount"), "processed"});
    return out;
  });
}

std::vector<Charge> SandboxProvider::successful(long long, long long) {
  return db_.read([&](Tx& tx) {
    std::vector<Charge> out;
    for (const auto& r : tx.query("SELECT reference FROM payments_sandbox_charges WHERE status = 'success'"))
      if (auto c = find(tx, r.text("reference"))) out.push_back(std::move(*c));
    return out;
  });
}

}  // namespace agape::payments
