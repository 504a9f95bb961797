#include "demo_catalogue.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agape::demo {
namespace {

// 2026-01-01T00:00:00Z; products are an hour apart so "newest" is stable.
constexpr long long kBaseMs = 1767225600000LL;

struct Leaf {
  const char* parent;
  const char* slug;
  const char* name;
  const char* skuPrefix;
  std::vector<const char*> nouns;
  std::vector<const char*> sizes;
  long long basePrice;  // kobo
};

const std::vector<std::pair<const char*, const char*>> kRoots = {
    {"women", "Women"}, {"men", "Men"}, {"footwear", "Footwear"}, {"accessories", "Accessories"}};

const std::vector<const char*> kClothing = {"XS", "S", "M", "L", "XL", "XXL"};
const std::vector<const char*> kShoes = {"39", "40", "41", "42", "43", "44", "45"};
const std::vector<const char*> kOneSize = {"One Size"};

const std::vector<Leaf> kLeaves = {
    {"women", "ankara-dresses", "Ankara Dresses", "ANK", {"Wrap Dress", "Maxi Dress", "Peplum Dress", "Flare Dress"}, kClothing, 1850000},
    {"women", "women-kaftans", "Women's Kaftans", "WKF", {"Kaftan", "Bubu Gown", "Kimono Kaftan"}, kClothing, 2200000},
    {"women", "aso-oke", "Aso-Oke", "ASO", {"Aso-Oke Set", "Aso-Oke Iro and Buba", "Aso-Oke Shawl"}, kClothing, 4500000},
    {"women", "women-tops", "Tops and Blouses", "WTP", {"Blouse", "Crop Top", "Off-Shoulder Top"}, kClothing, 950000},
    {"men", "agbada", "Agbada", "AGB", {"Agbada", "Grand Agbada", "Agbada Set"}, kClothing, 6500000},
    {"men", "men-kaftans", "Men's Kaftans", "MKF", {"Kaftan", "Kaftan and Trousers", "Jalabiya"}, kClothing, 2800000},
    {"men", "senator-suits", "Senator Suits", "SEN", {"Senator Suit", "Embroidered Senator", "Two-Piece Senator"}, kClothing, 3500000},
    {"men", "dashiki-shirts", "Dashiki Shirts", "DSH", {"Dashiki Shirt", "Short-Sleeve Dashiki", "Dashiki Tunic"}, kClothing, 1200000},
    {"footwear", "sneakers", "Sneakers", "SNK", {"Sneakers", "High-Top Sneakers", "Runner Sneakers"}, kShoes, 2500000},
    {"footwear", "sandals", "Sandals and Slides", "SND", {"Leather Sandals", "Slides", "Beaded Slippers"}, kShoes, 1100000},
    {"footwear", "loafers", "Loafers", "LOF", {"Loafers", "Suede Loafers", "Tasselled Loafers"}, kShoes, 3200000},
    {"accessories", "gele", "Gele and Headwraps", "GEL", {"Gele", "Auto-Gele", "Headwrap"}, kOneSize, 850000},
    {"accessories", "bags", "Bags", "BAG", {"Tote Bag", "Clutch", "Crossbody Bag"}, kOneSize, 1600000},
    {"accessories", "beads", "Beads and Jewellery", "BED", {"Coral Beads", "Bead Necklace", "Brass Bangle"}, kOneSize, 700000},
};

const std::vector<const char*> kStyles = {"Adire", "Kente", "Lagos", "Eko", "Abuja", "Owambe", "Isi-Agu", "Akwete",
                                          "Ofi", "Calabar", "Ibadan", "Kano", "Jos", "Benin", "Enugu"};
const std::vector<const char*> kColours = {"Red", "Blue", "Green", "Gold", "Black", "White", "Purple", "Orange",
                                           "Wine", "Emerald", "Cream", "Navy"};

// Each demo product's identity, in seeding order: the one place its id,
// name, slug and colours are derived.
struct DemoProduct {
  std::size_t leafIndex;
  int i;
  int index;
  std::string id, name, slug, style, noun, colourA, colourB;
  long long created;
};

template <class Visit>
void forEachDemoProduct(const catalog::CatalogImport& catalog, Visit visit) {
  int productIndex = 0;
  for (std::size_t leafIndex = 0; leafIndex < kLeaves.size(); ++leafIndex) {
    const Leaf& leaf = kLeaves[leafIndex];
    const int perLeaf = 14 + static_cast<int>(leafIndex % 2);  // 14 leaves -> 203 products
    for (int i = 0; i < perLeaf; ++i, ++productIndex) {
      DemoProduct p{leafIndex, i, productIndex, "", "", "", kStyles[(i + leafIndex * 3) % kStyles.size()],
                    leaf.nouns[i % leaf.nouns.size()], kColours[(i + leafIndex) % kColours.size()],
                    kColours[(i * 5 + leafIndex + 3) % kColours.size()],
                    kBaseMs + static_cast<long long>(productIndex) * 3'600'000};
      p.name = p.style + " " + p.noun + (i >= static_cast<int>(kStyles.size()) ? " II" : "");
      p.slug = catalog.slugOf(p.name + " " + leaf.skuPrefix + " " + std::to_string(i + 1));
      p.id = catalog.fixedId(p.created, 0x20000 + static_cast<std::uint64_t>(productIndex));
      visit(p);
    }
  }
}

}  // namespace

unsigned demoColourRgb(const std::string& name) {
  static const std::vector<std::pair<const char*, unsigned>> kRgb = {
      {"Red", 0xB3261E},  {"Blue", 0x1F4E9C},    {"Green", 0x2E7D32}, {"Gold", 0xD4A017},
      {"Black", 0x1C1C1C}, {"White", 0xF5F1E8},  {"Purple", 0x6A2C91}, {"Orange", 0xE8731A},
      {"Wine", 0x722F37},  {"Emerald", 0x0F8A5F}, {"Cream", 0xEADBC8}, {"Navy", 0x1B2A4A}};
  for (const auto& [n, rgb] : kRgb)
    if (name == n) return rgb;
  return 0x808080;
}

std::vector<DemoLook> demoLooks(const catalog::CatalogImport& catalog) {
  std::vector<DemoLook> out;
  forEachDemoProduct(catalog, [&](const DemoProduct& p) { out.push_back({p.id, p.name, p.colourA, p.colourB}); });
  return out;
}

SeedResult seedDemoCatalogue(Tx& tx, const catalog::CatalogImport& catalog) {
  SeedResult out;
  if (catalog.hasProducts(tx)) return out;
  long long n = 0;
  auto insertCategory = [&](const std::string& slug, const std::string& name, std::optional<std::string> parent) {
    const std::string id = catalog.fixedId(kBaseMs, 0x10000 + static_cast<std::uint64_t>(++n));
    catalog.addCategory(tx, {id, slug, name, std::move(parent), kBaseMs});
    ++out.categories;
    return id;
  };
  std::vector<std::pair<std::string, std::string>> rootIds;  // slug -> id
  for (const auto& [slug, name] : kRoots) rootIds.emplace_back(slug, insertCategory(slug, name, std::nullopt));
  auto rootId = [&](const char* slug) {
    for (const auto& [s, id] : rootIds)
      if (s == slug) return id;
    return std::string();
  };

  std::vector<std::string> categoryIds;
  for (const Leaf& leaf : kLeaves) categoryIds.push_back(insertCategory(leaf.slug, leaf.name, rootId(leaf.parent)));
  std::vector<catalog::ImportedProduct> products;
  forEachDemoProduct(catalog, [&](const DemoProduct& p) {
    const Leaf& leaf = kLeaves[p.leafIndex];
    const std::size_t leafIndex = p.leafIndex;
    const int i = p.i, productIndex = p.index;
    const std::string &colourA = p.colourA, &colourB = p.colourB;
    const long long price = leaf.basePrice + static_cast<long long>((i * 7 + leafIndex * 3) % 10) * 150000;
    // Pictures come from the media library when it is there (dressDemoProducts).
    catalog::ImportedProduct product{p.id, p.name, p.slug,
                                     "A " + colourA + " and " + colourB + " " + p.noun + " in " + p.style +
                                         " style, made in Nigeria. " + leaf.name + " for weddings, owambe and every day.",
                                     categoryIds[leafIndex], price, "[]", p.created, {}};
    // Three consecutive sizes (fewer when the range is smaller) in two colours.
    int position = 0;
    const std::size_t sizeCount = std::min<std::size_t>(3, leaf.sizes.size());
    std::vector<std::string> colours{colourA};
    if (colourB != colourA) colours.push_back(colourB);
    for (const auto& colour : colours) {
      for (std::size_t s = 0; s < sizeCount; ++s) {
        const std::string size = leaf.sizes[(i + s) % leaf.sizes.size()];
        const std::string sku = std::string(leaf.skuPrefix) + "-" + std::to_string(1000 + productIndex) + "-" +
                                catalog.slugOf(size) + "-" + colour.substr(0, 3);
        std::string upper;
        for (char c : sku) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // The largest sizes cost more; others use the product price.
        const std::optional<std::int64_t> override =
            (size == "XXL" || size == "45") ? std::optional<std::int64_t>(price + price / 10) : std::nullopt;
        product.variants.push_back(
            {catalog.fixedId(p.created, 0x30000 + static_cast<std::uint64_t>(productIndex * 16 + position)), upper,
             size, colour, override, position});
        ++position;
        ++out.variants;
      }
    }
    products.push_back(std::move(product));
    ++out.products;
  });
  catalog.addProducts(tx, products);
  catalog.finish(tx);
  return out;
}

}  // namespace agape::demo
