#pragma once
// Product writes: create (with variants), partial update with optimistic
// concurrency, archive. Each is one transaction with its audit entry, its
// domain event and the cache version bump.
#include <string>

#include <agape/json.h>

#include "write_support.h"

namespace agape::catalog {

class ProductWriter {
 public:
  explicit ProductWriter(WriteDeps deps) : deps_(std::move(deps)) {}
  // Validate: the media library, when that plugin is enabled.
  void useMedia(media::MediaLibrary* media) { deps_.media = media; }
  Json create(const Json& body, const std::string& actor);
  // Archiving and restoring (a status to or from archived) is for admins
  // only, as DELETE is: 403 for others (`mayArchive` false).
  Json update(const std::string& id, const Json& body, const std::string& actor, bool mayArchive);
  void archive(const std::string& id, const std::string& actor);
  // Variants after creation: add one, change size/colour/price override, or
  // retire it (status "archived"). The SKU never changes: inventory and
  // orders refer to it. Each bumps the product's version.
  Json addVariant(const std::string& productId, const Json& body, const std::string& actor);
  Json updateVariant(const std::string& productId, const std::string& variantId, const Json& body,
                     const std::string& actor);

 private:
  WriteDeps deps_;
};

}  // namespace agape::catalog
