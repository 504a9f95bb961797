#include "invoice.h"

#include <agape/money.h>

#include "pdf_writer.h"

namespace agape::orders {

std::string money(long long minor, const std::string& currency) { return currency + " " + formatMinorUnits(minor); }

std::string renderInvoice(const Json& order, const std::string& storeName) {
  PdfWriter pdf;
  const std::string currency = order["totals"]["currency"];
  const double left = 50, right = PdfWriter::kWidth - 50;
  double y = 790;
  pdf.text(left, y, 20, "INVOICE", true);
  pdf.textRight(right, y, 12, storeName, true);
  y -= 30;
  pdf.text(left, y, 10, "Invoice " + order["number"].get<std::string>());
  pdf.textRight(right, y, 10, "Date " + order["createdAt"].get<std::string>().substr(0, 10));
  y -= 14;
  pdf.text(left, y, 10, "Order " + order["id"].get<std::string>());
  pdf.textRight(right, y, 10, "Status " + order["status"].get<std::string>());

  y -= 34;
  pdf.text(left, y, 10, "Billed and delivered to", true);
  const Json& a = order["shippingAddress"];
  for (const char* k : {"fullName", "line1", "line2", "city", "state", "country", "phone"}) {
    if (!a.contains(k) || !a[k].is_string()) continue;
    y -= 13;
    pdf.text(left, y, 10, a[k].get<std::string>());
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
  for (const auto& item : order["items"]) {
    y -= 16;
    if (y < 140) {  // the totals need room below the last line
      pdf.newPage();
      y = 790;
      header(y);
      y -= 16;
    }
    std::string name = item["productName"];
    for (const char* k : {"size", "color"})
      if (item[k].is_string()) name += ", " + item[k].get<std::string>();
    if (name.size() > 48) name = name.substr(0, 45) + "...";
    pdf.text(left, y, 9, item["sku"].get<std::string>());
    pdf.text(left + 110, y, 9, name);
    pdf.textRight(left + 355, y, 9, std::to_string(item["quantity"].get<long long>()));
    pdf.textRight(left + 425, y, 9, money(item["unitPrice"], currency));
    pdf.textRight(right, y, 9, money(item["lineTotal"], currency));
  }
  y -= 10;
  pdf.line(left + 250, y, right, y);
  const Json& t = order["totals"];
  const auto row = [&](const std::string& label, long long amount, bool bold = false) {
    y -= 15;
    pdf.text(left + 260, y, 10, label, bold);
    pdf.textRight(right, y, 10, money(amount, currency), bold);
  };
  row("Subtotal", t["subtotal"]);
  if (t["discount"].get<long long>() > 0)
    row("Discount" + (order["couponCode"].is_string() ? " (" + order["couponCode"].get<std::string>() + ")" : std::string()),
        -t["discount"].get<long long>());
  row("Delivery (" + order["shippingMethod"].get<std::string>() + ")", t["shipping"]);
  if (!t["taxInclusive"].get<bool>()) row("VAT", t["tax"]);
  row("Total", t["total"], true);
  if (t["taxInclusive"].get<bool>()) {
    y -= 14;
    pdf.textRight(right, y, 8, "Total includes VAT of " + money(t["tax"], currency));
  }
  pdf.text(left, 50, 8, "Thank you for shopping with " + storeName + ".");
  return pdf.render();
}

}  // namespace agape::orders
