#pragma once
// Invoices as documents kept, not drawn at every request: rendered once when
// the order is paid (a subscriber to order.paid, outside any transaction,
// retried by the event machinery if rendering or storing fails), kept in a
// store, and served from it; an invoice the store has lost is rendered
// again when asked for, and kept again. A refunded order's credit note is
// kept the same way from its first request.
//
// The store is the media library's private documents when the media plugin
// is enabled (shared by every instance, local disk or Cloudinary), else
// files under orders.invoices.directory (<dataDir>/invoices).
#include <memory>
#include <optional>
#include <string>

#include <agape/db.h>
#include <agape/logger.h>
#include <agape/media/media_library.h>

#include "order_book.h"

namespace agape::orders {

// The documents an order has.
enum class OrderDocument { Invoice, CreditNote };

class InvoiceStore {
 public:
  virtual ~InvoiceStore() = default;
  // The stored PDF; nullopt when there is none. Throws when the store fails.
  virtual std::optional<std::string> read(const std::string& orderId, OrderDocument document) = 0;
  // Keeps `pdf` for the order, replacing an earlier one. Throws on failure.
  virtual void write(const std::string& orderId, OrderDocument document, const std::string& pdf) = 0;
};

// <directory>/<orderId>.pdf and <orderId>-credit-note.pdf, each written
// whole or not at all.
std::unique_ptr<InvoiceStore> directoryInvoiceStore(const std::string& directory);
// The media library's private documents invoices/<orderId>.pdf and
// credit-notes/<orderId>.pdf.
std::unique_ptr<InvoiceStore> mediaInvoiceStore(media::MediaLibrary& media);

class Invoices {
 public:
  Invoices(Database& db, const OrderBook& book, Logger& log, std::string fontFile)
      : db_(db), book_(book), log_(log), fontFile_(std::move(fontFile)) {}
  // From validate, once it is known whether the media library is there.
  void keepIn(std::unique_ptr<InvoiceStore> store) { store_ = std::move(store); }

  // For order.paid: renders and keeps the invoice unless it is kept already.
  void issue(const std::string& orderId);
  // The kept invoice of `order` (which has one: paid or later), rendered and
  // kept first if the store has lost it. A store that fails is logged, not
  // the customer's problem: the invoice is rendered from the order, which
  // is what the kept one was rendered from.
  std::string of(const Order& order) { return kept(order, OrderDocument::Invoice); }
  // The same for the credit note of a refunded order.
  std::string creditNoteOf(const Order& order) { return kept(order, OrderDocument::CreditNote); }

 private:
  std::string kept(const Order& order, OrderDocument document);
  std::string render(const Order& order, OrderDocument document) const;

  Database& db_;
  const OrderBook& book_;
  Logger& log_;
  std::string fontFile_;
  std::unique_ptr<InvoiceStore> store_;
};

}  // namespace agape::orders
