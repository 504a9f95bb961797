#pragma once
// An order's invoice as a PDF (A4, text only): the store, the invoice number
// (the order number), date, billing address, lines, totals with the VAT.
#include <string>

#include "order_wire.h"

namespace agape::orders {

std::string renderInvoice(const Order& order, const std::string& storeName);
// 1234567 kobo → "NGN 12,345.67".
std::string money(long long minor, const std::string& currency);

}  // namespace agape::orders
