#include <agape/media/media_library.h>

#include "write_support.h"

namespace agape::catalog {

std::string resolveImages(Tx& tx, const std::vector<ImageInput>& images, media::MediaLibrary* media,
                          const std::string& productId) {
  Json out = Json::array();
  std::vector<std::string> used;
  BodyErrors e;
  for (const auto& in : images) {
    if (!in.mediaRef) {
      out.push_back(in.image);
      continue;
    }
    if (!media) {
      e.add(in.mediaField, "names a media library image, but the media plugin is not enabled");
      continue;
    }
    const auto item = media->find(tx, *in.mediaRef);
    if (!item) {
      e.add(in.mediaField, "is not an image of the media library");
      continue;
    }
    const std::string alt = in.image.value("alt", "");
    out.push_back({{"url", item->url},
                   {"publicId", item->publicId},
                   {"alt", alt.empty() ? item->alt : alt},
                   {"mediaId", item->id},
                   {"thumbnailUrl", item->thumbnailUrl},
                   {"width", item->width},
                   {"height", item->height}});
    used.push_back(item->id);
  }
  e.throwIfAny();
  if (media) media->setUsage(tx, "product:" + productId, used);
  return out.dump();
}

}  // namespace agape::catalog
