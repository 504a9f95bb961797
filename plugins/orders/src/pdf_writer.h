#pragma once
// A minimal PDF 1.4 writer for text documents (invoices): pages of A4, text
// in the standard Helvetica and Helvetica-Bold fonts (no embedding), lines,
// a correct cross-reference table. Text is UTF-8 in, WinAnsi (Latin-1) out;
// characters outside Latin-1 become '?'.
#include <string>
#include <string_view>
#include <vector>

namespace agape::orders {

class PdfWriter {
 public:
  static constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points

  void newPage();
  // Text with its baseline's left end at (x, y) from the bottom-left corner.
  void text(double x, double y, double size, std::string_view utf8, bool bold = false);
  // The same, ending at x (for amounts in a column).
  void textRight(double x, double y, double size, std::string_view utf8, bool bold = false);
  void line(double x1, double y1, double x2, double y2, double width = 0.5);
  std::string render() const;

  // Helvetica's advance widths: the width of `latin1` at `size`.
  static double textWidth(std::string_view latin1, double size, bool bold);
  // UTF-8 → Latin-1 ('?' for anything else, and for broken sequences).
  static std::string toLatin1(std::string_view utf8);

 private:
  std::vector<std::string> pages_;  // content streams
};

}  // namespace agape::orders
