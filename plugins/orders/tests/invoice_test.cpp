// The PDF writer produces a well-formed file (header, objects at the offsets
// the cross-reference table gives, trailer), escapes text, and maps UTF-8 to
// WinAnsi; amounts are formatted with thousands separators.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "invoice.h"
#include "pdf_writer.h"

namespace agape::orders {
namespace {

// Every xref entry points at "N 0 obj"; startxref points at "xref".
void expectConsistent(const std::string& pdf, int objects) {
  ASSERT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
  ASSERT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
  const auto sx = pdf.rfind("startxref\n");
  ASSERT_NE(sx, std::string::npos);
  const std::size_t xref = std::stoul(pdf.substr(sx + 10));
  ASSERT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  std::smatch m;
  const std::string table = pdf.substr(xref);
  ASSERT_TRUE(std::regex_search(table, m, std::regex("xref\\n0 (\\d+)\\n")));
  ASSERT_EQ(std::stoi(m[1]), objects + 1);
  std::size_t at = xref + m.length(0) + 20;  // after the free entry
  for (int i = 1; i <= objects; ++i, at += 20) {
    const std::size_t offset = std::stoul(pdf.substr(at, 10));
    EXPECT_EQ(pdf.compare(offset, std::to_string(i).size() + 6, std::to_string(i) + " 0 obj"), 0) << "object " << i;
  }
  EXPECT_NE(pdf.find("/Size " + std::to_string(objects + 1) + " /Root 1 0 R"), std::string::npos);
}

TEST(PdfWriter, AWellFormedFileWithEscapedText) {
  PdfWriter pdf;
  pdf.text(50, 800, 12, "Invoice (copy) \\ Ada Obi\xE2\x80\x99s caf\xC3\xA9 \xE2\x82\xA6", true);
  pdf.line(50, 790, 545, 790);
  pdf.newPage();
  pdf.textRight(545, 700, 10, "NGN 15,000.00");
  const std::string out = pdf.render();
  expectConsistent(out, 4 + 2 * 2);
  EXPECT_NE(out.find("/Count 2"), std::string::npos);
  // ( ) \ escaped; é as Latin-1 octal; ’ and ₦ (outside Latin-1) as '?'.
  EXPECT_NE(out.find("(Invoice \\(copy\\) \\\\ Ada Obi?s caf\\351 ?) Tj"), std::string::npos) << out;
  EXPECT_NE(out.find("/F2 12.00 Tf"), std::string::npos);
  EXPECT_NE(out.find("/BaseFont /Helvetica-Bold"), std::string::npos);
  // Right-aligned: starts at 545 minus the text's Helvetica width.
  const double w = PdfWriter::textWidth("NGN 15,000.00", 10, false);
  char at[32];
  std::snprintf(at, sizeof at, "%.2f 700.00 Td", 545 - w);
  EXPECT_NE(out.find(at), std::string::npos);
  expectConsistent(PdfWriter().render(), 4 + 2);  // an empty document is one blank page
}

TEST(PdfWriter, Latin1Conversion) {
  EXPECT_EQ(PdfWriter::toLatin1("Ankara"), "Ankara");
  EXPECT_EQ(PdfWriter::toLatin1("\xC3\xA9t\xC3\xA9"), "\xE9t\xE9");
  EXPECT_EQ(PdfWriter::toLatin1("\xE2\x82\xA6" "5"), "?5");
  EXPECT_EQ(PdfWriter::toLatin1("\xC3"), "?");           // cut short
  EXPECT_EQ(PdfWriter::toLatin1("\xF0\x9F\x91\x97!"), "?!");  // an emoji
}

TEST(Invoice, MoneyAndContent) {
  EXPECT_EQ(money(0, "NGN"), "NGN 0.00");
  EXPECT_EQ(money(5, "NGN"), "NGN 0.05");
  EXPECT_EQ(money(1'500'000, "NGN"), "NGN 15,000.00");
  EXPECT_EQ(money(123'456'789, "NGN"), "NGN 1,234,567.89");
  EXPECT_EQ(money(-250'000, "NGN"), "NGN -2,500.00");
  Order order{.id = "o-1", .number = "AG-261124-7K3QX9", .status = Status::Paid};
  order.createdAt = Timestamp{1'764'000'000'000};  // 2025-11-24T16:00:00Z
  order.shippingMethod = "standard";
  order.couponCode = "SALE10";
  order.shippingAddress = {.fullName = "Ada Obi", .phone = "08035550101", .line1 = "12 Admiralty Way",
                           .city = "Lekki", .state = "Lagos"};
  order.totals = {.subtotal = 3'000'000, .discount = 250'000, .shipping = 250'000, .tax = 209'302,
                  .total = 3'000'000, .currency = "NGN", .taxInclusive = true};
  for (int i = 0; i < 70; ++i)  // enough lines for three pages
    order.items.push_back({.sku = "ANK-" + std::to_string(i), .productName = "Ankara Wrap Dress", .size = "M",
                           .quantity = 1, .unitPrice = 1'500'000, .lineTotal = 1'500'000});
  const std::string pdf = renderInvoice(order, "Adire House");
  expectConsistent(pdf, 4 + 2 * 3);
  EXPECT_NE(pdf.find("/Count 3"), std::string::npos);
  for (const char* expected : {"(Invoice AG-261124-7K3QX9)", "(Adire House)", "(Ankara Wrap Dress, M)", "(ANK-69)",
                               "(Discount \\(SALE10\\))", "(NGN -2,500.00)", "(Total includes VAT of NGN 2,093.02)",
                               "(12 Admiralty Way)", "(Date 2025-11-24)", "(Status paid)"})
    EXPECT_NE(pdf.find(expected), std::string::npos) << expected;
}

}  // namespace
}  // namespace agape::orders
