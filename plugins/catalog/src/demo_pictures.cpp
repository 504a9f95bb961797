#include "demo_pictures.h"

#include <cctype>
#include <set>

#include <agape/json.h>
#include <agape/media/media_library.h>

#include "demo_seed.h"

namespace agape::catalog {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int dressDemoProducts(Database& db, media::MediaLibrary& media) {
  std::set<std::string> bare;
  db.read([&](Tx& tx) {
    for (const auto& r : tx.query("SELECT id FROM catalog_products WHERE images = '[]'")) bare.insert(r.text("id"));
  });
  int dressed = 0;
  for (const DemoLook& look : demoLooks()) {
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
      if (tx.exec("UPDATE catalog_products SET images = :images, version = version + 1 WHERE id = :id AND images = '[]'",
                  {{"images", images.dump()}, {"id", look.productId}}) == 0)
        return;
      media.setUsage(tx, "product:" + look.productId, {picture.id});
      ++dressed;
    });
  }
  if (dressed > 0)
    db.run([](Tx& tx) { tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1"); });
  return dressed;
}

}  // namespace agape::catalog
