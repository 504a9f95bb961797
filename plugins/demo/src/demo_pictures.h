#pragma once
// Pictures that load for the demo catalogue: each demo product still
// without one gets a picture from the media library — stripes of its two
// colours, made once per colour pair — so a storefront or the console
// shows images out of the box (development, with the media plugin).
#include <agape/catalog/catalog_import.h>
#include <agape/db.h>

namespace agape::media {
class MediaLibrary;
}

namespace agape::demo {

// How many products were given a picture. Outside any transaction (the
// library writes files and records of its own); safe to run again.
int dressDemoProducts(Database& db, const catalog::CatalogImport& catalog, media::MediaLibrary& media);

}  // namespace agape::demo
