#include "invoices.h"

#include <filesystem>
#include <stdexcept>

#include <agape/files.h>

#include "invoice.h"

namespace agape::orders {
namespace {

class DirectoryInvoiceStore final : public InvoiceStore {
 public:
  explicit DirectoryInvoiceStore(std::filesystem::path directory) : directory_(std::move(directory)) {
    std::filesystem::create_directories(directory_);
  }
  std::optional<std::string> read(const std::string& orderId, OrderDocument document) override {
    return readWholeFile(pathOf(orderId, document));
  }
  void write(const std::string& orderId, OrderDocument document, const std::string& pdf) override {
    writeFileDurably(pathOf(orderId, document), pdf, ExistingFile::Replace);
  }

 private:
  // Order ids are UUIDs made by the server; anything else is never a path here.
  std::string pathOf(const std::string& orderId, OrderDocument document) const {
    if (orderId.empty() || orderId.find_first_not_of("0123456789abcdef-") != std::string::npos)
      throw std::invalid_argument("an order id is a UUID, not '" + orderId + "'");
    return directory_ / (orderId + (document == OrderDocument::Invoice ? ".pdf" : "-credit-note.pdf"));
  }
  std::filesystem::path directory_;
};

class MediaInvoiceStore final : public InvoiceStore {
 public:
  explicit MediaInvoiceStore(media::MediaLibrary& media) : media_(media) {}
  std::optional<std::string> read(const std::string& orderId, OrderDocument document) override {
    return media_.document(keyOf(orderId, document));
  }
  void write(const std::string& orderId, OrderDocument document, const std::string& pdf) override {
    media_.keepDocument(keyOf(orderId, document), pdf);
  }

 private:
  static std::string keyOf(const std::string& orderId, OrderDocument document) {
    return (document == OrderDocument::Invoice ? "invoices/" : "credit-notes/") + orderId + ".pdf";
  }
  media::MediaLibrary& media_;
};

}  // namespace

std::unique_ptr<InvoiceStore> directoryInvoiceStore(const std::string& directory) {
  return std::make_unique<DirectoryInvoiceStore>(directory);
}

std::unique_ptr<InvoiceStore> mediaInvoiceStore(media::MediaLibrary& media) {
  return std::make_unique<MediaInvoiceStore>(media);
}

void Invoices::issue(const std::string& orderId) {
  if (store_->read(orderId, OrderDocument::Invoice)) return;  // delivered again: it is kept already
  const auto order = db_.read([&](Tx& tx) { return book_.get(tx, orderId); });
  if (order) store_->write(orderId, OrderDocument::Invoice, render(*order, OrderDocument::Invoice));
}

std::string Invoices::kept(const Order& order, OrderDocument document) {
  try {
    if (auto kept = store_->read(order.id, document)) return std::move(*kept);
  } catch (const std::exception& e) {
    log_.warn("invoice store unreadable; rendering the document again", {{"orderId", order.id}, {"error", e.what()}});
  }
  std::string pdf = render(order, document);
  try {
    store_->write(order.id, document, pdf);
  } catch (const std::exception& e) {
    log_.warn("invoice not kept", {{"orderId", order.id}, {"error", e.what()}});
  }
  return pdf;
}

std::string Invoices::render(const Order& order, OrderDocument document) const {
  const std::string& store = book_.config().storeName;
  return document == OrderDocument::Invoice ? renderInvoice(order, store, fontFile_)
                                            : renderCreditNote(order, store, fontFile_);
}

}  // namespace agape::orders
