#pragma once
// Category writes: create, partial update (no cycles), delete (refused while
// products use it unless they are moved with reassignTo).
#include <optional>
#include <string>

#include "product_view.h"
#include "write_support.h"

namespace agape::catalog {

struct NewCategory {
  std::string name;
  std::optional<std::string> slug;  // none: made from the name
  std::optional<std::string> parentId;
};
// A field left out stays as it is; a null parentId makes it top-level.
struct CategoryChanges {
  Patch<std::string> name, slug, parentId;
};

class CategoryStore {
 public:
  explicit CategoryStore(WriteDeps deps) : deps_(std::move(deps)) {}
  CategoryView create(const NewCategory& in, const std::string& actor);
  CategoryView update(const std::string& id, const CategoryChanges& in, const std::string& actor);
  void remove(const std::string& id, const std::optional<std::string>& reassignTo, const std::string& actor);

 private:
  WriteDeps deps_;
};

}  // namespace agape::catalog
