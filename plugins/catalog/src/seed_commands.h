#pragma once
// `agape seed demo` and `agape seed bench --products N`.
#include <memory>

#include <agape/commands.h>
#include <agape/db.h>
#include <agape/logger.h>

namespace agape::media {
class MediaLibrary;
}

namespace agape::catalog {

// `media` is read when a command runs (set at validate): with the media
// plugin, the demo products get pictures.
void addSeedCommands(Commands& commands, Database& db, const std::shared_ptr<media::MediaLibrary>& media);

}  // namespace agape::catalog
