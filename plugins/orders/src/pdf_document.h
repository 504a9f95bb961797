#pragma once
// A text document as PDF on libharu (libhpdf): A4 pages, one embedded
// TrueType font (only the glyphs used) so that any text the font covers
// prints — the naira sign, Yoruba, Igbo and Hausa letters — and text is
// extracted as written. Bold is the same font drawn with a thin outline,
// which keeps one font in the file (~90 KB instead of ~175 KB for two).
#include <memory>
#include <string>
#include <string_view>

namespace agape::orders {

class PdfDocument {
 public:
  static constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points

  // Starts a document with its first page. Throws std::runtime_error when
  // libharu cannot read `fontFile` as a TrueType font.
  explicit PdfDocument(const std::string& fontFile);
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  void newPage();
  // Text (UTF-8; broken sequences print as U+FFFD) with its baseline's left
  // end at (x, y) from the bottom-left corner.
  void text(double x, double y, double size, std::string_view utf8, bool bold = false);
  // The same, ending at x (for amounts in a column).
  void textRight(double x, double y, double size, std::string_view utf8, bool bold = false);
  void line(double x1, double y1, double x2, double y2, double width = 0.5);
  double width(std::string_view utf8, double size);
  // `utf8` cut at a character and ended with "…" so that it is at most
  // `maxWidth` wide at `size`; unchanged when it fits.
  std::string fit(std::string_view utf8, double size, double maxWidth);
  // The file. Throws std::runtime_error if any step failed.
  std::string save();

  struct State;  // libharu's handles (pdf_document.cpp)

 private:
  std::unique_ptr<State> s_;
};

}  // namespace agape::orders
