#include "invoice.h"

#include <agape/clock.h>
#include <agape/money.h>

#include "pdf_writer.h"

namespace agape::orders {

std::string money(long long minor, const std::string& currency) { return currency + " " + formatMinorUnits(minor); }

std::string renderInvoice(const Order& order, const std::string& storeName) {
  PdfWriter pdf;
  const OrderTotals& t = order.totals;
  const std::string& currency = t.currency;
  const double left = 50, right = PdfWriter::kWidth - 50;
  double y = 790;
  pdf.text(left, y, 20, "INVOICE", true);
  pdf.textRight(right, y, 12, storeName, true);
  y -= 30;
  pdf.text(left, y, 10, "Invoice " + order.number);
  pdf.textRight(right, y, 10, "Date " + rfc3339(order.createdAt.ms).substr(0, 10));
  y -= 14;
  pdf.text(left, y, 10, "Order " + order.id);
  pdf.textRight(right, y, 10, std::string("Status ") + statusName(order.status));

  y -= 34;
  pdf.text(left, y, 10, "Billed and delivered to", true);
  const Address& a = order.shippingAddress;
  for (const std::string* line : {&a.fullName, &a.line1, a.line2 ? &*a.line2 : nullptr, &a.city, &a.state, &a.country,
                                  &a.phone}) {
    if (!line || line->empty()) continue;
    y -= 13;
    pdf.text(left, y, 10, *line);
  }

  const auto header = [&](double at) {
    pdf.text(left, at, 9, "SKU", true);
    pdf.text(left + 110, at, 9, "Item", true);
    pdf.textRight(left + 355, at, 9, "Qty", true);
    pdf.textRight(left + 425, at, 9, "Unit price", true);
    pdf.textRight(right, at, 9, "Amount", true);
    pdf.line(left, at - 4, right, at - 4);
  };
  y -= 34;
  header(y);
  for (const OrderLine& item : order.items) {
    y -= 16;
    if (y < 140) {  // the totals need room below the last line
      pdf.newPage();
      y = 790;
      header(y);
      y -= 16;
    }
    std::string name = item.productName;
    for (const auto& detail : {item.size, item.color})
      if (detail) name += ", " + *detail;
    if (name.size() > 48) name = name.substr(0, 45) + "...";
    pdf.text(left, y, 9, item.sku);
    pdf.text(left + 110, y, 9, name);
    pdf.textRight(left + 355, y, 9, std::to_string(item.quantity));
    pdf.textRight(left + 425, y, 9, money(item.unitPrice, currency));
    pdf.textRight(right, y, 9, money(item.lineTotal, currency));
  }
  y -= 10;
  pdf.line(left + 250, y, right, y);
  const auto row = [&](const std::string& label, long long amount, bool bold = false) {
    y -= 15;
    pdf.text(left + 260, y, 10, label, bold);
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
  pdf.text(left, 50, 8, "Thank you for shopping with " + storeName + ".");
  return pdf.render();
}

}  // namespace agape::orders
