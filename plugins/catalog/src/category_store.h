#pragma once
// Category writes: create, partial update (no cycles), delete (refused while
// products use it unless they are moved with reassignTo).
#include <optional>
#include <string>

#include <agape/json.h>

#include "write_support.h"

namespace agape::catalog {

class CategoryStore {
 public:
  explicit CategoryStore(WriteDeps deps) : deps_(std::move(deps)) {}
  Json create(const Json& body, const std::string& actor);
  Json update(const std::string& id, const Json& body, const std::string& actor);
  void remove(const std::string& id, const std::optional<std::string>& reassignTo, const std::string& actor);

 private:
  WriteDeps deps_;
};

}  // namespace agape::catalog
