#pragma once
#include <stdexcept>

namespace agape::kernel {

// A plugin could not be loaded, ordered or driven through its lifecycle. The
// message names the plugin and the cause; the CLI prints it as is.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace agape::kernel
