#include "bench_catalogue.h"

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <agape/json.h>

namespace agape::demo {
namespace {

// 2025-01-01T00:00:00Z; products a minute apart.
constexpr long long kBaseMs = 1735689600000LL;
// Products handed to the catalogue at a time.
constexpr std::size_t kBatch = 100;

struct Category {
  const char* slug;
  const char* name;
  int parent;  // index into kCategories, -1 for a root
  const char* noun;
};

constexpr std::array<Category, 12> kCategories = {{
    {"bench-women", "Women", -1, nullptr},
    {"bench-men", "Men", -1, nullptr},
    {"bench-footwear", "Footwear", -1, nullptr},
    {"bench-dresses", "Dresses", 0, "Dress"},
    {"bench-skirts", "Skirts", 0, "Skirt"},
    {"bench-blouses", "Blouses", 0, "Blouse"},
    {"bench-shirts", "Shirts", 1, "Shirt"},
    {"bench-kaftans", "Kaftans", 1, "Kaftan"},
    {"bench-trousers", "Trousers", 1, "Trousers"},
    {"bench-sneakers", "Sneakers", 2, "Sneakers"},
    {"bench-sandals", "Sandals", 2, "Sandals"},
    {"bench-loafers", "Loafers", 2, "Loafers"},
}};
constexpr std::array<const char*, 16> kAdjectives = {"Adire", "Kente", "Lagos", "Eko", "Abuja", "Owambe", "Akwete",
                                                     "Calabar", "Ibadan", "Kano", "Jos", "Benin", "Enugu", "Ofi",
                                                     "Isi-Agu", "Ankara"};
constexpr std::array<const char*, 12> kColours = {"Red", "Blue", "Green", "Gold", "Black", "White",
                                                  "Purple", "Orange", "Wine", "Emerald", "Cream", "Navy"};
constexpr std::array<const char*, 6> kSizes = {"XS", "S", "M", "L", "XL", "XXL"};

}  // namespace

SeedResult seedBenchCatalogue(Tx& tx, const catalog::CatalogImport& catalog, int products) {
  if (products < 1 || products > 1'000'000) throw std::invalid_argument("--products must be 1..1000000");
  if (catalog.hasProducts(tx))
    throw std::runtime_error("the catalogue already has products; the benchmark catalogue needs an empty one");
  SeedResult out;
  std::vector<std::string> categoryIds;
  for (std::size_t i = 0; i < kCategories.size(); ++i) {
    const auto& c = kCategories[i];
    categoryIds.push_back(catalog.fixedId(kBaseMs, 0x50000 + i));
    catalog.addCategory(tx, {categoryIds.back(), c.slug, c.name,
                             c.parent < 0 ? std::nullopt : std::optional<std::string>(categoryIds[c.parent]), kBaseMs});
    ++out.categories;
  }
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < kCategories.size(); ++i)
    if (kCategories[i].noun) leaves.push_back(i);

  std::vector<catalog::ImportedProduct> batch;
  for (int i = 0; i < products; ++i) {
    const auto& leaf = kCategories[leaves[static_cast<std::size_t>(i) % leaves.size()]];
    const std::string adjective = kAdjectives[static_cast<std::size_t>(i / 9) % kAdjectives.size()];
    const std::string colour = kColours[static_cast<std::size_t>(i / 7) % kColours.size()];
    const std::string name = adjective + " " + colour + " " + leaf.noun + " " + std::to_string(i + 1);
    const std::string slug = catalog.slugOf(name);
    const long long created = kBaseMs + static_cast<long long>(i) * 60'000;
    const long long price = 500'000 + static_cast<long long>((i * 7919) % 60) * 50'000;  // ₦5,000..₦34,500
    const Json images = Json::array({{{"url", "https://res.cloudinary.com/agape-bench/image/upload/" + slug + ".jpg"},
                                      {"publicId", "bench/" + slug},
                                      {"alt", name}}});
    catalog::ImportedProduct product{catalog.fixedId(created, 0x60000 + static_cast<std::uint64_t>(i)), name, slug,
                                     "A " + colour + " " + leaf.noun + " in " + adjective + " style. " + leaf.name +
                                         " made in Nigeria, cut for comfort, for weddings, owambe and every day.",
                                     categoryIds[leaves[static_cast<std::size_t>(i) % leaves.size()]], price,
                                     images.dump(), created, {}};
    ++out.products;
    for (int v = 0; v < 3; ++v) {
      const std::string size = kSizes[static_cast<std::size_t>(i + v) % kSizes.size()];
      product.variants.push_back(
          {catalog.fixedId(created, 0x70000 + static_cast<std::uint64_t>(i) * 4 + static_cast<std::uint64_t>(v)),
           "BEN-" + std::to_string(100000 + i) + "-" + size, size, colour,
           v == 2 ? std::optional<std::int64_t>(price + price / 10) : std::nullopt, v});
      ++out.variants;
    }
    batch.push_back(std::move(product));
    if (batch.size() == kBatch) {
      catalog.addProducts(tx, batch);
      batch.clear();
    }
  }
  catalog.addProducts(tx, batch);
  catalog.finish(tx);
  return out;
}

}  // namespace agape::demo
