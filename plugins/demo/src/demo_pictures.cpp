#include "demo_pictures.h"

#include <cctype>
#include <set>

#include <agape/json.h>
#include <agape/media/media_library.h>

#include "demo_catalogue.h"

namespace agape::demo {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int dressDemoProducts(Database& db, const catalog::CatalogImport& catalog, media::MediaLibrary& media) {
  std::set<std::string> bare;
  db.read([&](Tx& tx) {
    for (auto& id : catalog.productsWithoutImages(tx)) bare.insert(std::move(id));
  });
  int dressed = 0;
  for (const DemoLook& look : demoLooks(catalog)) {
    if (!bare.count(look.productId)) continue;
    const media::MediaItem picture = media.demoPicture(
        {"stripes-" + lower(look.colourA) + "-" + lower(look.colourB), demoColourRgb(look.colourA),
         demoColourRgb(look.colourB), look.colourA + " and " + look.colourB + " stripes"});
    const Json images = Json::array({{{"url", picture.url},
                                      {"publicId", picture.publicId},
                                      {"alt", look.name},
                                      {"mediaId", picture.id},
                                      {"thumbnailUrl", picture.thumbnailUrl},
                                      {"width", picture.width},
                                      {"height", picture.height}}});
    db.run([&](Tx& tx) {
      // Only while it still has none: an image set meanwhile wins.
      if (!catalog.setImagesIfNone(tx, look.productId, images.dump())) return;
      media.setUsage(tx, "product:" + look.productId, {picture.id});
      ++dressed;
    });
  }
  if (dressed > 0)
    db.run([&](Tx& tx) { catalog.bumpCacheVersion(tx); });
  return dressed;
}

}  // namespace agape::demo
