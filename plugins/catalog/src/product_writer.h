#pragma once
// Product writes: create (with variants), partial update with optimistic
// concurrency, archive. Each is one transaction with its audit entry, its
// domain event and the cache version bump. Inputs come decoded and checked
// field by field (write_schemas.h); what needs the database is checked here.
#include <string>
#include <vector>

#include "product_view.h"
#include "write_support.h"

namespace agape::catalog {

// {url, publicId, alt?} stored as given, or {mediaId, alt?} / {publicId,
// alt?} naming a media library image.
struct ImageIn {
  std::optional<std::string> url, publicId;
  std::string alt;
  std::optional<std::string> mediaId;
};
struct VariantIn {
  std::string sku;
  std::optional<std::string> size, color;
  std::optional<long long> price;  // an override; none: the product price
};
struct NewProduct {
  std::string name;
  std::optional<std::string> slug;  // none: made from the name
  std::string description;
  std::string categoryId;
  long long price = 0;
  std::string status = "active";
  std::vector<ImageIn> images;
  std::vector<VariantIn> variants;
};
// A field left out stays as it is; none may be null.
struct ProductChanges {
  long long version = 0;
  Patch<std::string> name, slug, description, categoryId;
  Patch<long long> price;
  Patch<std::string> status;
  Patch<std::vector<ImageIn>> images;
};
struct NewVariant : VariantIn {
  long long version = 0;  // the product's
};
// Null clears size and colour, and the price override (back to the
// product price).
struct VariantChanges {
  long long version = 0;  // the product's
  Patch<std::string> size, color;
  Patch<long long> price;
  Patch<std::string> status;
};

class ProductWriter {
 public:
  explicit ProductWriter(WriteDeps deps) : deps_(std::move(deps)) {}
  // Validate: the media library, when that plugin is enabled.
  void useMedia(media::MediaLibrary* media) { deps_.media = media; }
  ProductView create(const NewProduct& in, const std::string& actor);
  // Archiving and restoring (a status to or from archived) is for admins
  // only, as DELETE is: 403 for others (`mayArchive` false).
  ProductView update(const std::string& id, const ProductChanges& in, const std::string& actor, bool mayArchive);
  void archive(const std::string& id, const std::string& actor);
  // Variants after creation: add one, change size/colour/price override, or
  // retire it (status "archived"). The SKU never changes: inventory and
  // orders refer to it. Each bumps the product's version.
  ProductView addVariant(const std::string& productId, const NewVariant& in, const std::string& actor);
  ProductView updateVariant(const std::string& productId, const std::string& variantId, const VariantChanges& in,
                            const std::string& actor);

 private:
  WriteDeps deps_;
};

}  // namespace agape::catalog
