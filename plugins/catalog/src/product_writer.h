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
  Json create(const Json& body, const std::string& actor);
  Json update(const std::string& id, const Json& body, const std::string& actor);
  void archive(const std::string& id, const std::string& actor);

 private:
  WriteDeps deps_;
};

}  // namespace agape::catalog
