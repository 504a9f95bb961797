#pragma once
// The catalogue's search engine: an embedded Xapian index of the active
// products (name > category > description, English stemming, spelling
// correction, synonyms) beside an in-memory copy of each product as the
// API shows it, its variants' sizes, colours, prices and stock. Xapian
// finds and ranks; the variant filters, the facet counts and the page are
// answered from memory, inside the match (a MatchDecider, a MatchSpy).
//
// Each instance holds its own: built from the database at start, then kept
// current by following the catalogue's and the inventory's events (see
// catalog_plugin.cpp). Readers share nothing but an immutable snapshot and
// a pool of Xapian readers; one writer at a time applies changes.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>
#include <agape/inventory/events.h>

#include "list_query.h"
#include "search/search_result.h"

namespace agape::catalog {

struct SearchSettings {
  std::string directory;  // the index's files (emptied at open)
  // Groups of words that mean the same ("sneakers, trainers, kicks"): the
  // lines of the synonyms file.
  std::vector<std::vector<std::string>> synonyms;
};

// Reads a synonyms file: one group per line, comma-separated, '#' comments.
// Throws std::runtime_error naming the file when it cannot be read.
std::vector<std::vector<std::string>> readSynonyms(const std::string& path);

// A failure of the engine itself (its files): the caller answers from the
// database instead.
struct SearchEngineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class XapianSearch {
 public:
  XapianSearch(Database& db, SearchSettings settings);
  ~XapianSearch();
  XapianSearch(const XapianSearch&) = delete;
  XapianSearch& operator=(const XapianSearch&) = delete;

  // Every active product, read afresh (start, a bulk import). Returns how
  // many were indexed.
  std::size_t rebuild();
  // Products created, changed or archived: read again, indexed or dropped.
  void refreshProducts(const std::vector<std::string>& productIds);
  // The category tree changed: products whose category name or place in
  // the tree moved are indexed again.
  void refreshCategories();
  // Stock levels (the newest per variant wins, by version). Returns whether
  // a product changed.
  bool applyLevels(const std::vector<inventory::InventoryLevelChanged>& levels);

  // One page of results. Throws Problem for a query it refuses (inStock
  // while stock is unknown), SearchEngineError when the index fails.
  SearchResult search(const SearchQuery& q) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agape::catalog
