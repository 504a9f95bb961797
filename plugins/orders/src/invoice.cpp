#include "invoice.h"

#include <agape/clock.h>
#include <agape/money.h>

#include "pdf_document.h"

namespace agape::orders {

std::string money(long long minor, const std::string& currency) {
  const std::string sign = minor < 0 ? "-" : "";
  const std::string amount = formatMinorUnits(minor < 0 ? -minor : minor);
  if (currency == "NGN") return sign + "\u20A6" + amount;
  return sign + currency + " " + amount;
}

namespace {

enum class Document { Invoice, CreditNote };

std::string render(const Order& order, const std::string& storeName, const std::string& fontFile, Document kind) {
  const bool credit = kind == Document::CreditNote;
  PdfDocument pdf(fontFile);
  const OrderTotals& t = order.totals;
  const std::string& currency = t.currency;
  const double left = 50, right = PdfDocument::kWidth - 50;
  double y = 790;
  pdf.text(left, y, 20, credit ? "CREDIT NOTE" : "INVOICE", true);
  pdf.textRight(right, y, 12, pdf.fit(storeName, 12, 300), true);
  y -= 30;
  pdf.text(left, y, 10, credit ? "Credit note " + order.number + "-CN for invoice " + order.number
                               : "Invoice " + order.number);
  // A credit note is dated by the refund, the order's last change.
  pdf.textRight(right, y, 10, "Date " + rfc3339((credit ? order.updatedAt : order.createdAt).ms).substr(0, 10));
  y -= 14;
  pdf.text(left, y, 10, "Order " + order.id);

  y -= 34;
  pdf.text(left, y, 10, "Billed and delivered to", true);
  const Address& a = order.shippingAddress;
  for (const std::string* line : {&a.fullName, &a.line1, a.line2 ? &*a.line2 : nullptr, &a.city, &a.state, &a.country,
                                  &a.phone}) {
    if (!line || line->empty()) continue;
    y -= 13;
    pdf.text(left, y, 10, pdf.fit(*line, 10, right - left));
  }

  const double item = left + 125, quantity = left + 335, unitPrice = left + 412;
  const auto header = [&](double at) {
    pdf.text(left, at, 9, "SKU", true);
    pdf.text(item, at, 9, "Item", true);
    pdf.textRight(quantity, at, 9, "Qty", true);
    pdf.textRight(unitPrice, at, 9, "Unit price", true);
    pdf.textRight(right, at, 9, "Amount", true);
    pdf.line(left, at - 4, right, at - 4);
  };
  y -= 34;
  header(y);
  for (const OrderLine& line : order.items) {
    y -= 16;
    if (y < 140) {  // the totals need room below the last line
      pdf.newPage();
      y = 790;
      header(y);
      y -= 16;
    }
    std::string name = line.productName;
    for (const auto& detail : {line.size, line.color})
      if (detail) name += ", " + *detail;
    pdf.text(left, y, 9, pdf.fit(line.sku, 9, item - left - 8));
    pdf.text(item, y, 9, pdf.fit(name, 9, quantity - item - 30));
    pdf.textRight(quantity, y, 9, std::to_string(line.quantity));
    pdf.textRight(unitPrice, y, 9, money(line.unitPrice, currency));
    pdf.textRight(right, y, 9, money(line.lineTotal, currency));
  }
  y -= 10;
  pdf.line(left + 250, y, right, y);
  const auto row = [&](const std::string& label, long long amount, bool bold = false) {
    y -= 15;
    pdf.text(left + 260, y, 10, pdf.fit(label, 10, 150), bold);
    pdf.textRight(right, y, 10, money(amount, currency), bold);
  };
  row("Subtotal", t.subtotal);
  if (t.discount > 0) row("Discount" + (order.couponCode ? " (" + *order.couponCode + ")" : std::string()), -t.discount);
  row("Delivery (" + order.shippingMethod + ")", t.shipping);
  if (!t.taxInclusive) row("VAT", t.tax);
  row("Total", t.total, true);
  if (t.taxInclusive) {
    y -= 14;
    pdf.textRight(right, y, 8, "Total includes VAT of " + money(t.tax, currency));
  }
  if (credit) {
    y -= 6;
    row("Credited", order.refund ? order.refund->amount : t.total, true);
  }
  pdf.text(left, 50, 8,
           pdf.fit(credit ? "Refunded to the payment that paid invoice " + order.number + "."
                          : "Thank you for shopping with " + storeName + ".",
                   8, right - left));
  return pdf.save();
}

}  // namespace

std::string renderInvoice(const Order& order, const std::string& storeName, const std::string& fontFile) {
  return render(order, storeName, fontFile, Document::Invoice);
}

std::string renderCreditNote(const Order& order, const std::string& storeName, const std::string& fontFile) {
  return render(order, storeName, fontFile, Document::CreditNote);
}

}  // namespace agape::orders
