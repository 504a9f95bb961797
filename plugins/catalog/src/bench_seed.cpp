#include "bench_seed.h"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include <agape/json.h>

#include "search_index.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

// 2025-01-01T00:00:00Z; products a minute apart.
constexpr long long kBaseMs = 1735689600000LL;
// Rows per INSERT statement: well within SQLite's bound-parameter limit.
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

// Collects rows for a multi-row INSERT and flushes them kBatch at a time;
// `parent` (the rows these refer to) is flushed first.
class BatchInsert {
 public:
  BatchInsert(Tx& tx, std::string head, int columns, BatchInsert* parent = nullptr)
      : tx_(tx), head_(std::move(head)), columns_(columns), parent_(parent) {}
  // One row's values, in column order: named :p0, :p1 ... across the batch.
  void add(std::vector<Value> row) {
    for (auto& v : row) {
      std::string name = "p";
      name += std::to_string(params_.size());
      params_.emplace_back(std::move(name), std::move(v));
    }
    if (++rows_ == kBatch) flush();
  }
  void flush() {
    if (parent_) parent_->flush();
    if (rows_ == 0) return;
    std::string sql = head_ + " VALUES ";
    int n = 0;
    for (std::size_t r = 0; r < rows_; ++r) {
      sql += r ? ", (" : "(";
      for (int c = 0; c < columns_; ++c) sql += (c ? ", :p" : ":p") + std::to_string(n++);
      sql += ")";
    }
    tx_.exec(sql, params_);
    params_.clear();
    rows_ = 0;
  }

 private:
  Tx& tx_;
  std::string head_;
  int columns_;
  BatchInsert* parent_;
  Params params_;
  std::size_t rows_ = 0;
};

}  // namespace

SeedResult seedBenchCatalogue(Tx& tx, int products) {
  if (products < 1 || products > 1'000'000) throw std::invalid_argument("--products must be 1..1000000");
  if (tx.one("SELECT 1 AS x FROM catalog_products LIMIT 1"))
    throw std::runtime_error("the catalogue already has products; the benchmark catalogue needs an empty one");
  SeedResult out;
  std::vector<std::string> categoryIds;
  for (std::size_t i = 0; i < kCategories.size(); ++i) {
    const auto& c = kCategories[i];
    categoryIds.push_back(fixedId(kBaseMs, 0x50000 + i));
    tx.exec("INSERT INTO catalog_categories (id, slug, name, parent_id, created_at, updated_at) "
            "VALUES (:id, :slug, :name, :parent, :created, :created)",
            {{"id", categoryIds.back()}, {"slug", c.slug}, {"name", c.name},
             {"parent", c.parent < 0 ? Value(nullptr) : Value(categoryIds[c.parent])}, {"created", kBaseMs}});
    ++out.categories;
  }
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < kCategories.size(); ++i)
    if (kCategories[i].noun) leaves.push_back(i);

  BatchInsert productRows(tx,
                          "INSERT INTO catalog_products (id, name, slug, description, category_id, price, status, "
                          "images, version, created_at, updated_at)",
                          11);
  BatchInsert variantRows(tx,
                          "INSERT INTO catalog_variants (id, product_id, sku, size, color, price, status, position)",
                          8, &productRows);
  for (int i = 0; i < products; ++i) {
    const auto& leaf = kCategories[leaves[static_cast<std::size_t>(i) % leaves.size()]];
    const std::string adjective = kAdjectives[static_cast<std::size_t>(i / 9) % kAdjectives.size()];
    const std::string colour = kColours[static_cast<std::size_t>(i / 7) % kColours.size()];
    const std::string name = adjective + " " + colour + " " + leaf.noun + " " + std::to_string(i + 1);
    const std::string slug = slugify(name);
    const std::string category = categoryIds[leaves[static_cast<std::size_t>(i) % leaves.size()]];
    const long long created = kBaseMs + static_cast<long long>(i) * 60'000;
    const long long price = 500'000 + static_cast<long long>((i * 7919) % 60) * 50'000;  // ₦5,000..₦34,500
    const std::string id = fixedId(created, 0x60000 + static_cast<std::uint64_t>(i));
    const std::string description = "A " + colour + " " + leaf.noun + " in " + adjective + " style. " + leaf.name +
                                    " made in Nigeria, cut for comfort, for weddings, owambe and every day.";
    const Json images = Json::array({{{"url", "https://res.cloudinary.com/agape-bench/image/upload/" + slug + ".jpg"},
                                      {"publicId", "bench/" + slug},
                                      {"alt", name}}});
    productRows.add({id, name, slug, description, category, price, "active", images.dump(), 1, created, created});
    ++out.products;
    for (int v = 0; v < 3; ++v) {
      const std::string size = kSizes[static_cast<std::size_t>(i + v) % kSizes.size()];
      const std::string sku = "BEN-" + std::to_string(100000 + i) + "-" + size;
      const Value override = v == 2 ? Value(price + price / 10) : Value(nullptr);
      variantRows.add({fixedId(created, 0x70000 + static_cast<std::uint64_t>(i) * 4 + static_cast<std::uint64_t>(v)),
                       id, sku, size, colour, override, "active", v});
      ++out.variants;
    }
  }
  variantRows.flush();  // and the products first
  reindexAll(tx);
  refreshAllPrices(tx);
  tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
  return out;
}

}  // namespace agape::catalog
