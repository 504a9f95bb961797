#pragma once
// An order's invoice, and its credit note once refunded, as PDF (A4): the
// store, the number (the order number), date, billing address, lines,
// totals with the VAT, amounts as "₦12,500.00", names as written (ẹ, ọ, ṣ,
// ƙ, ɗ) in the embedded font.
#include <string>

#include "order_wire.h"

namespace agape::orders {

// Throws std::runtime_error when the font cannot be read or libharu fails.
std::string renderInvoice(const Order& order, const std::string& storeName, const std::string& fontFile);
// The credit note of a refunded order: the invoice's lines and totals,
// "CREDIT NOTE <number>-CN for invoice <number>", dated when the order was
// last changed (its refund), and the amount given back. Same errors.
std::string renderCreditNote(const Order& order, const std::string& storeName, const std::string& fontFile);
// 1234567 kobo, "NGN" → "₦12,345.67"; -250000 → "-₦2,500.00"; a currency
// without a sign here keeps its code: "GHS 12,345.67".
std::string money(long long minor, const std::string& currency);

}  // namespace agape::orders
