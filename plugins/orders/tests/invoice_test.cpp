// The invoice as a person and a machine read it: poppler's pdftotext gets
// back the naira amounts and names with Yoruba, Igbo and Hausa letters as
// written, pdfinfo counts the pages, and pdftoppm draws the first page as a
// PNG in test-output/ (beside the test binary, or $AGAPE_TEST_OUTPUT) for a
// person to look at; the credit note's too.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <agape/testing/command.h>
#include <agape/testing/temp_dir.h>

#include "invoice.h"
#include "orders_config.h"
#include "pdf_document.h"

namespace agape::orders {
namespace {

const std::string kFont = OrdersConfig().invoiceFont;

std::string run(const std::string& command) { return testing::runCommand(command).output; }

struct Extracted {
  std::string text;
  int pages = 0;
};

// The PDF's text (layout kept, so a row stays on one line) and page count.
Extracted extract(const std::string& pdf, const std::filesystem::path& dir) {
  const auto file = dir / "invoice.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  Extracted out;
  out.text = run("pdftotext -layout -enc UTF-8 '" + file.string() + "' - 2>/dev/null");
  const std::string info = run("pdfinfo '" + file.string() + "' 2>/dev/null");
  if (const auto at = info.find("Pages:"); at != std::string::npos) out.pages = std::atoi(info.c_str() + at + 6);
  return out;
}

std::filesystem::path testOutput() {
  const char* env = std::getenv("AGAPE_TEST_OUTPUT");
  const std::filesystem::path dir = env && *env ? std::filesystem::path(env)
                                                : std::filesystem::read_symlink("/proc/self/exe").parent_path() / "test-output";
  std::filesystem::create_directories(dir);
  return dir;
}

// The first page as a picture in test-output/<name>.png, for a person to look at.
void drawFirstPage(const std::string& pdf, const std::string& name, const std::filesystem::path& dir) {
  const auto png = testOutput() / name;
  std::ofstream(dir / "out.pdf", std::ios::binary) << pdf;
  run("pdftoppm -png -r 100 -f 1 -l 1 -singlefile '" + (dir / "out.pdf").string() + "' '" + png.string() + "'");
  std::ifstream picture(png.string() + ".png", std::ios::binary);
  std::string magic(8, '\0');
  picture.read(magic.data(), 8);
  EXPECT_EQ(magic, "\x89PNG\r\n\x1A\n") << png << ".png";
  std::printf("first page drawn: %s.png\n", png.c_str());
}

Order sampleOrder(int lines) {
  Order order{.id = "0193a8f0-0000-7000-8000-000000000001", .number = "AG-261124-7K3QX9", .status = Status::Paid};
  order.createdAt = Timestamp{1'764'000'000'000};  // 2025-11-24T16:00:00Z
  order.shippingMethod = "standard";
  order.couponCode = "SALE10";
  order.shippingAddress = {.fullName = "Adéọlá Ọ̀ṣun-Ìbílọ̀", .phone = "08035550101", .line1 = "12 Ƙofar Ɗan Agundi",
                           .city = "Kano", .state = "Kano"};
  order.totals = {.subtotal = 3'000'000, .discount = 250'000, .shipping = 250'000, .tax = 209'302,
                  .total = 3'000'000, .currency = "NGN", .taxInclusive = true};
  for (int i = 0; i < lines; ++i)
    order.items.push_back({.sku = "ANK-" + std::to_string(i), .productName = "Àdìrẹ Ẹlẹ́wà Wrap Dress", .size = "M",
                           .quantity = 1, .unitPrice = 1'500'000, .lineTotal = 1'500'000});
  return order;
}

TEST(Invoice, MoneyIsWrittenInNaira) {
  EXPECT_EQ(money(0, "NGN"), "\u20A6" "0.00");
  EXPECT_EQ(money(5, "NGN"), "\u20A6" "0.05");
  EXPECT_EQ(money(1'250'000, "NGN"), "\u20A6" "12,500.00");
  EXPECT_EQ(money(123'456'789, "NGN"), "\u20A6" "1,234,567.89");
  EXPECT_EQ(money(-250'000, "NGN"), "-\u20A6" "2,500.00");
  EXPECT_EQ(money(1'250'000, "GHS"), "GHS 12,500.00");
}

TEST(Invoice, ItsTextComesBackAsWrittenWithTheNairaSignAndDiacritics) {
  ASSERT_TRUE(std::filesystem::is_regular_file(kFont)) << kFont << " (fonts-dejavu-core)";
  testing::TempDir dir;
  const std::string pdf = renderInvoice(sampleOrder(2), "Ọjà Adire House", kFont);
  ASSERT_EQ(pdf.rfind("%PDF-1.", 0), 0u);
  const Extracted got = extract(pdf, dir.path());
  EXPECT_EQ(got.pages, 1);
  for (const char* expected :
       {"INVOICE", "Ọjà Adire House", "Invoice AG-261124-7K3QX9", "Date 2025-11-24",
        "Order 0193a8f0-0000-7000-8000-000000000001", "Adéọlá", "12 Ƙofar Ɗan Agundi", "Kano", "ANK-1",
        "Àdìrẹ Ẹlẹ́wà Wrap Dress, M", "₦15,000.00", "Subtotal", "₦30,000.00", "Discount (SALE10)", "-₦2,500.00",
        "Delivery (standard)", "₦2,500.00", "Total includes VAT of ₦2,093.02", "Thank you for shopping with Ọjà Adire House."})
    EXPECT_NE(got.text.find(expected), std::string::npos) << expected << "\n--- extracted:\n" << got.text;

  drawFirstPage(pdf, "invoice-page-1", dir.path());
}

TEST(Invoice, ACreditNoteCreditsTheInvoiceAndIsDatedByTheRefund) {
  testing::TempDir dir;
  Order order = sampleOrder(2);
  order.status = Status::Refunded;
  order.updatedAt = Timestamp{1'764'345'600'000};  // 2025-11-28T16:00:00Z
  order.refund = OrderRefund{.status = RefundState::Refunded, .amount = 3'000'000};
  const std::string pdf = renderCreditNote(order, "Ọjà Adire House", kFont);
  const Extracted got = extract(pdf, dir.path());
  EXPECT_EQ(got.pages, 1);
  for (const char* expected :
       {"CREDIT NOTE", "Credit note AG-261124-7K3QX9-CN for invoice AG-261124-7K3QX9", "Date 2025-11-28", "Adéọlá",
        "Àdìrẹ Ẹlẹ́wà Wrap Dress, M", "₦30,000.00", "Credited", "Refunded to the payment that paid invoice AG-261124-7K3QX9."})
    EXPECT_NE(got.text.find(expected), std::string::npos) << expected << "\n--- extracted:\n" << got.text;
  EXPECT_EQ(got.text.find("INVOICE"), std::string::npos);
  drawFirstPage(pdf, "credit-note-page-1", dir.path());
}

TEST(Invoice, ManyLinesGoOnMorePagesWithTheHeaderRepeated) {
  testing::TempDir dir;
  const Extracted got = extract(renderInvoice(sampleOrder(70), "Adire House", kFont), dir.path());
  EXPECT_EQ(got.pages, 3);
  EXPECT_NE(got.text.find("ANK-69"), std::string::npos);
  std::size_t headers = 0;
  for (auto at = got.text.find("Unit price"); at != std::string::npos; at = got.text.find("Unit price", at + 1))
    ++headers;
  EXPECT_EQ(headers, 3u);
  EXPECT_NE(got.text.find("Total includes VAT of ₦2,093.02"), std::string::npos);
}

TEST(Invoice, AFontThatCannotBeReadIsAnErrorNotABrokenFile) {
  testing::TempDir dir;
  EXPECT_THROW(renderInvoice(sampleOrder(1), "Adire House", (dir.path() / "none.ttf").string()), std::runtime_error);
  dir.write("not-a-font.ttf", "this is no TrueType font");
  EXPECT_THROW(renderInvoice(sampleOrder(1), "Adire House", (dir.path() / "not-a-font.ttf").string()),
               std::runtime_error);
}

TEST(PdfDocument, LongTextIsCutAtACharacterAndBrokenUtf8PrintsAsAReplacement) {
  PdfDocument pdf(kFont);
  const std::string longName = "Ẹ̀wù Àdìrẹ " + std::string(40, 'x') + " ọ̀ṣọ́";
  const std::string cut = pdf.fit(longName, 9, 120);
  EXPECT_LE(pdf.width(cut, 9), 120);
  EXPECT_EQ(cut.substr(cut.size() - 3), "\u2026");
  EXPECT_EQ(cut.rfind("Ẹ̀wù Àdìrẹ x", 0), 0u);
  EXPECT_EQ(pdf.fit("Short", 9, 120), "Short");
  pdf.text(50, 700, 12, "cut \xC3 here");
  testing::TempDir dir;
  const Extracted got = extract(pdf.save(), dir.path());
  EXPECT_NE(got.text.find("cut \uFFFD here"), std::string::npos) << got.text;
}

}  // namespace
}  // namespace agape::orders
