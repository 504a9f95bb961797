#pragma once
// The catalogue's documents as the API shows them, with their Schemas (the
// route contracts), and how they are made from database rows: as structs,
// or written straight to JSON text for the cached reads. Fields are
// declared in name order, the order the text renderer writes and the stored
// image documents keep, so both give the same bytes (and the same ETags).
#include <optional>
#include <string>
#include <vector>

#include <agape/db.h>
#include <agape/schema.h>

namespace agape::catalog {

struct CategoryRef {
  std::string id, name, slug;
};
// An image as stored on the product: given by URL, or from the media
// library (then with its id, thumbnail and size).
struct ProductImage {
  std::string alt;
  std::optional<long long> height;
  std::optional<std::string> mediaId;
  std::string publicId;
  std::optional<std::string> thumbnailUrl;
  std::string url;
  std::optional<long long> width;
};
struct VariantView {
  std::optional<long long> available;  // null: inventory has not reported
  std::optional<std::string> color;
  std::string id;
  long long price = 0;  // effective: the override or the product price
  std::optional<std::string> size;
  std::string sku, status;
};
struct ProductView {
  CategoryRef category;
  Timestamp createdAt;
  std::string description, id;
  std::vector<ProductImage> images;
  std::string name;
  long long price = 0;
  std::string slug, status;
  std::vector<VariantView> variants;
  long long version = 0;
};
struct CategoryView {
  std::string id, name;
  std::optional<std::string> parentId;
  std::string slug;
};
struct CategoryNode : CategoryView {
  JsonText children;  // CategoryNodes: a schema cannot name itself
};
struct CategoryTree {
  std::vector<CategoryNode> data;
};

Schema<ProductView> productSchema();
Schema<CategoryView> categorySchema();
Schema<CategoryTree> categoryTreeSchema();
Schema<CategoryNode> categoryNodeSchema();

// A page of product rows (kProductColumns) and the variant rows of those
// products (kVariantColumns, ordered by product then position).
struct ProductRows {
  std::vector<Row> products;
  std::vector<Row> variants;
};
inline constexpr const char* kProductColumns =
    "p.id, p.slug, p.name, p.description, p.price, p.images, p.status, p.version, p.created_at, "
    "c.id AS category_id, c.slug AS category_slug, c.name AS category_name";
inline constexpr const char* kVariantColumns =
    "v.id, v.product_id, v.sku, v.size, v.color, v.status, v.effective_price AS price, a.available";

std::vector<ProductView> productViews(const ProductRows& rows);
// The same products as a JSON array, written without building them first:
// the same bytes as productSchema's encoding of productViews(rows).
std::string productsText(const ProductRows& rows);

}  // namespace agape::catalog
