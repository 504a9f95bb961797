// Who may do what with orders and payments, route by route and role by role,
// through the real binary on both databases: 401 without a token, 403 for a
// role the route is not for, 404 for another customer's order or payment
// (never a hint that it exists), and a real answer for the rest. Requests
// are chosen so that an allowed call changes nothing (a cancelled order
// cancelled again, a refund without a reason), so one state serves the
// whole matrix.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/api_test.h"
#include "support/fake_paystack.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

const std::string kSecret = "sk_test_agape_roles_51d2";
const Json kAddress = {{"fullName", "Ada Obi"}, {"phone", "08035550101"}, {"line1", "12 Admiralty Way"},
                       {"city", "Lekki"}, {"state", "Lagos"}};

// The roles, and the expectation of a cell: a denial's exact status, or any
// answer that is not a denial (the handler ran: 2xx, 400, 409...).
const std::vector<std::pair<std::string, std::string>> kWho = {
    {"anonymous", ""}, {"owner", kAda},        {"other customer", kBola}, {"admin", kAdmin},
    {"merchant", kMerchant}, {"fulfilment", kFulfilment}, {"finance", kFinance}};
constexpr int kAllowed = 0;

struct Cell {
  std::string method, path;
  Json body;  // null: none
  std::map<std::string, int> expected;  // role → status (kAllowed: not 401/403/404)
};

class OrderPaymentRoles : public ApiTest {};

TEST_P(OrderPaymentRoles, EveryRouteAnswersEachRoleAsDocumented) {
  FakePaystack paystack(kSecret);
  serve({"test.tokens", pluginEntry("catalog"), pluginEntry("inventory"), pluginEntry("cart"), pluginEntry("orders"),
         pluginEntry("payments")},
        "catalog:\n  cacheTtl: 0s\npayments:\n  provider: paystack\n  secretKey: " + kSecret +
            "\n  baseUrl: " + paystack.url() + "\n  timeout: 3s\n");
  const std::string variant = stockedProduct({"S"}, 10)["variants"][0]["id"];
  const auto place = [&] {
    ok(send("POST", "/v1/cart/items", Json{{"variantId", variant}, {"quantity", 1}}, {kAda}));
    return ok(send("POST", "/v1/orders", Json{{"shippingAddress", kAddress}}, {kAda}), 201)["id"].get<std::string>();
  };
  // Ada's paid order with its payment, and her cancelled one.
  const std::string paid = place();
  const Json init = ok(send("POST", "/v1/payments/initialize", Json{{"orderId", paid}, {"email", "ada@example.ng"}}, {kAda}), 201);
  const auto hook = paystack.pay(init["reference"]);
  ASSERT_EQ(client_->request("POST", "/v1/payments/webhook", hook.body, {kJson, "x-paystack-signature: " + hook.signature})
                .status,
            200);
  const std::string payment = init["paymentId"], reference = init["reference"];
  const std::string cancelled = place();
  ok(send("POST", "/v1/orders/" + cancelled + "/cancel", nullptr, {kAda}));
  const std::string coupon =
      ok(send("POST", "/v1/coupons", Json{{"code", "ROLES10"}, {"kind", "percent"}, {"value", 10}}, {kAdmin}), 201)["id"];

  const int A = kAllowed;
  // Everyone with a token / the order's (or payment's) customer and the
  // staff who may see it; the rest 404 (another customer, staff who may not see it) or 403.
  const std::vector<Cell> matrix = {
      {"POST", "/v1/orders", Json::object(),
       {{"anonymous", 401}, {"owner", A}, {"other customer", A}, {"admin", A}, {"merchant", A}, {"fulfilment", A}, {"finance", A}}},
      {"GET", "/v1/orders", nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", A}, {"admin", A}, {"merchant", A}, {"fulfilment", A}, {"finance", A}}},
      {"GET", "/v1/orders/stats", nullptr,
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", A}}},
      {"GET", "/v1/orders/" + paid, nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", A}, {"finance", A}}},
      {"GET", "/v1/orders/" + paid + "/invoice", nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 403}, {"finance", A}}},
      {"GET", "/v1/orders/" + paid + "/credit-note", nullptr,  // 409 for those allowed: not refunded
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 403}, {"finance", A}}},
      {"POST", "/v1/orders/" + cancelled + "/cancel", Json::object(),
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 403}, {"finance", 403}}},
      {"PATCH", "/v1/orders/" + cancelled + "/status", Json{{"status", "shipped"}},
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", A}, {"finance", 403}}},
      {"POST", "/v1/coupons", Json::object(),
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", 403}}},
      {"GET", "/v1/coupons", nullptr,
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", 403}}},
      {"PATCH", "/v1/coupons/" + coupon, Json{{"value", 0}},
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", 403}}},
      {"POST", "/v1/payments/initialize", Json{{"orderId", cancelled}, {"email", "ada@example.ng"}},
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 404}, {"finance", A}}},
      {"GET", "/v1/payments/verify/" + reference, nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 404}, {"finance", A}}},
      {"GET", "/v1/payments/" + payment, nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", 404}, {"admin", A}, {"merchant", 404}, {"fulfilment", 404}, {"finance", A}}},
      {"GET", "/v1/payments", nullptr,
       {{"anonymous", 401}, {"owner", A}, {"other customer", A}, {"admin", A}, {"merchant", A}, {"fulfilment", A}, {"finance", A}}},
      {"POST", "/v1/payments/" + payment + "/refund", Json::object(),
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", A}}},
      {"GET", "/v1/admin/payments/refunds", nullptr,
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", A}}},
      {"POST", "/v1/admin/payments/reconcile", nullptr,
       {{"anonymous", 401}, {"owner", 403}, {"other customer", 403}, {"admin", A}, {"merchant", 403}, {"fulfilment", 403}, {"finance", A}}},
  };
  for (const Cell& cell : matrix) {
    ASSERT_EQ(cell.expected.size(), kWho.size()) << cell.method << " " << cell.path;
    for (const auto& [role, header] : kWho) {
      std::vector<std::string> headers;
      if (!header.empty()) headers.push_back(header);
      const HttpResult r = send(cell.method, cell.path, cell.body, headers);
      const int want = cell.expected.at(role);
      const std::string where = cell.method + " " + cell.path + " as " + role + ": " + r.body;
      if (want == kAllowed) EXPECT_TRUE(r.status != 401 && r.status != 403 && r.status != 404 && r.status < 500) << where;
      else EXPECT_EQ(r.status, want) << where;
    }
  }
  // Nothing the matrix did moved the orders or the money.
  EXPECT_EQ(ok(get("/v1/orders/" + paid, {kAdmin}))["status"], "paid");
  EXPECT_EQ(ok(get("/v1/orders/" + cancelled, {kAdmin}))["status"], "cancelled");
  EXPECT_TRUE(paystack.refunds().empty());
}

AGAPE_BACKENDS(OrderPaymentRoles);

}  // namespace
}  // namespace agape::test
