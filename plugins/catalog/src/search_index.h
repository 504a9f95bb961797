#pragma once
// Keeps the full-text index of a product in step with its row: the FTS5
// table on SQLite, the weighted tsvector column on PostgreSQL. Called in the
// transaction of every write that changes a name, description or category.
#include <string>

#include <agape/db.h>

namespace agape::catalog {

void reindexProduct(Tx& tx, const std::string& productId);
// Every product of a category (after a rename).
void reindexCategory(Tx& tx, const std::string& categoryId);

}  // namespace agape::catalog
