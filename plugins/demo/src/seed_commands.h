#pragma once
// `agape seed demo` and `agape seed bench --products N`.
#include <memory>

#include <agape/catalog/catalog_import.h>
#include <agape/commands.h>
#include <agape/db.h>

namespace agape::media {
class MediaLibrary;
}

namespace agape::demo {

// The services are read when a command runs (they are found at validate):
// with the media plugin, the demo products get pictures.
struct SeedServices {
  std::shared_ptr<catalog::CatalogImport> catalog;
  std::shared_ptr<media::MediaLibrary> media;  // null without the media plugin
};

void addSeedCommands(Commands& commands, Database& db, const SeedServices& services);

}  // namespace agape::demo
