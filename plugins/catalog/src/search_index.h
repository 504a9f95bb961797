#pragma once
// Keeps the derived columns of a product in step with its row: the full-text
// index: the FTS5
// table on SQLite, the weighted tsvector column on PostgreSQL. Called in the
// transaction of every write that changes a name, description or category;
// and the stored prices (below).
#include <string>

#include <agape/db.h>

namespace agape::catalog {

void reindexProduct(Tx& tx, const std::string& productId);
// Every product of a category (after a rename).
void reindexCategory(Tx& tx, const std::string& categoryId);
// Every product, in one statement per database (bulk loads).
void reindexAll(Tx& tx);

// The stored prices the filters and the price sort use: each variant's
// effective price (override, else product price) and the product's lowest
// active price. Called by every write that changes a price, a variant or its
// status.
void refreshPrices(Tx& tx, const std::string& productId);
void refreshAllPrices(Tx& tx);

}  // namespace agape::catalog
