#pragma once
#include <stdexcept>

namespace agape::kernel {

// A migration set that cannot be applied safely: a file changed or removed
// after it was applied, a gap or duplicate version, a failing script.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace agape::kernel
