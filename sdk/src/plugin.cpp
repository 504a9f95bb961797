#include "agape/plugin.h"

#include "agape/config.h"

namespace agape {

void Plugin::configure(const ConfigView& section) {
  if (section.kind() == ConfigView::Kind::Map && !section.keys().empty()) {
    auto first = section.child(section.keys().front());
    first->fail("unknown key (this plugin takes no configuration)");
  }
  if (section.kind() == ConfigView::Kind::Scalar || section.kind() == ConfigView::Kind::Sequence)
    section.fail("must be a map");
}

}  // namespace agape
