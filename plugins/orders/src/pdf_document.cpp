#include "pdf_document.h"

#include <hpdf.h>
#include <utf8.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace agape::orders {

struct PdfDocument::State {
  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  // Freed on every path out, a constructor that throws included.
  ~State() {
    if (doc != nullptr) HPDF_Free(doc);
  }

  HPDF_Doc doc = nullptr;
  HPDF_Font font = nullptr;
  HPDF_Page page = nullptr;
  // libharu reports errors through a callback and carries on: the first one
  // is kept and save() refuses to return a broken file.
  HPDF_STATUS error = HPDF_OK, detail = 0;

  void check(const char* step) const {
    if (error == HPDF_OK) return;
    char what[96];
    std::snprintf(what, sizeof what, "libharu error 0x%04X (detail %u) %s", static_cast<unsigned>(error),
                  static_cast<unsigned>(detail), step);
    throw std::runtime_error(what);
  }
};

namespace {

void onError(HPDF_STATUS error, HPDF_STATUS detail, void* data) {
  auto* state = static_cast<PdfDocument::State*>(data);
  if (state->error != HPDF_OK) return;
  state->error = error;
  state->detail = detail;
}

std::string valid(std::string_view utf8) {
  return utf8::is_valid(utf8.begin(), utf8.end()) ? std::string(utf8) : utf8::replace_invalid(std::string(utf8));
}

}  // namespace

PdfDocument::PdfDocument(const std::string& fontFile) : s_(std::make_unique<State>()) {
  s_->doc = HPDF_New(onError, s_.get());
  if (s_->doc == nullptr) throw std::runtime_error("libharu could not start a document");
  HPDF_SetCompressionMode(s_->doc, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(s_->doc);
  HPDF_SetCurrentEncoder(s_->doc, "UTF-8");
  const char* name = HPDF_LoadTTFontFromFile(s_->doc, fontFile.c_str(), HPDF_TRUE);
  if (name == nullptr) throw std::runtime_error("libharu could not load the font " + fontFile);
  s_->font = HPDF_GetFont(s_->doc, name, "UTF-8");
  s_->check("loading the font");
  newPage();
}

PdfDocument::~PdfDocument() = default;

void PdfDocument::newPage() {
  s_->page = HPDF_AddPage(s_->doc);
  HPDF_Page_SetSize(s_->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
}

void PdfDocument::text(double x, double y, double size, std::string_view utf8, bool bold) {
  HPDF_Page page = s_->page;
  HPDF_Page_BeginText(page);
  HPDF_Page_SetFontAndSize(page, s_->font, static_cast<HPDF_REAL>(size));
  if (bold) {
    HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE);
    HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(size / 30));
  }
  HPDF_Page_TextOut(page, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y), valid(utf8).c_str());
  if (bold) HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
  HPDF_Page_EndText(page);
}

void PdfDocument::textRight(double x, double y, double size, std::string_view utf8, bool bold) {
  text(x - width(utf8, size), y, size, utf8, bold);
}

void PdfDocument::line(double x1, double y1, double x2, double y2, double width) {
  HPDF_Page page = s_->page;
  HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(width));
  HPDF_Page_MoveTo(page, static_cast<HPDF_REAL>(x1), static_cast<HPDF_REAL>(y1));
  HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(x2), static_cast<HPDF_REAL>(y2));
  HPDF_Page_Stroke(page);
}

double PdfDocument::width(std::string_view utf8, double size) {
  // The page's width of a text uses its current font and size.
  HPDF_Page_SetFontAndSize(s_->page, s_->font, static_cast<HPDF_REAL>(size));
  return HPDF_Page_TextWidth(s_->page, valid(utf8).c_str());
}

std::string PdfDocument::fit(std::string_view utf8, double size, double maxWidth) {
  const std::string text = valid(utf8);
  if (width(text, size) <= maxWidth) return text;
  const std::string ellipsis = "\u2026";
  // The longest run of whole characters that fits with the ellipsis, by
  // bisection over the characters' ends (a width is a walk of the text).
  std::vector<std::size_t> ends;
  for (auto it = text.begin(); it != text.end();) {
    utf8::next(it, text.end());
    ends.push_back(static_cast<std::size_t>(it - text.begin()));
  }
  std::size_t fits = 0, tooLong = ends.size();  // characters
  while (tooLong - fits > 1) {
    const std::size_t mid = (fits + tooLong) / 2;
    if (width(text.substr(0, ends[mid - 1]) + ellipsis, size) <= maxWidth)
      fits = mid;
    else
      tooLong = mid;
  }
  return text.substr(0, fits == 0 ? 0 : ends[fits - 1]) + ellipsis;
}

std::string PdfDocument::save() {
  s_->check("drawing");
  HPDF_SaveToStream(s_->doc);
  s_->check("writing the file");
  HPDF_UINT32 size = HPDF_GetStreamSize(s_->doc);
  std::string file(size, '\0');
  HPDF_ReadFromStream(s_->doc, reinterpret_cast<HPDF_BYTE*>(file.data()), &size);
  file.resize(size);
  // Reading to the end reports HPDF_STREAM_EOF, which is no error.
  if (s_->error == HPDF_STREAM_EOF) s_->error = HPDF_OK;
  s_->check("reading the file");
  return file;
}

}  // namespace agape::orders
