#include "product_view.h"

#include <unordered_map>

#include <agape/json.h>
#include <agape/json_text.h>

#include "text_util.h"

namespace agape::catalog {
namespace {

Schema<ProductImage> imageSchema() {
  return Schema<ProductImage>()
      .field("alt", &ProductImage::alt)
      .field("height", &ProductImage::height, {.omitWhenNull = true})
      .field("mediaId", &ProductImage::mediaId, {.omitWhenNull = true, .description = "a media library image"})
      .field("publicId", &ProductImage::publicId)
      .field("thumbnailUrl", &ProductImage::thumbnailUrl, {.omitWhenNull = true})
      .field("url", &ProductImage::url)
      .field("width", &ProductImage::width, {.omitWhenNull = true});
}

Schema<VariantView> variantSchema() {
  return Schema<VariantView>()
      .field("available", &VariantView::available, {.description = "units in stock; null until inventory reports"})
      .field("color", &VariantView::color)
      .field("id", &VariantView::id)
      .field("price", &VariantView::price, {.description = "effective price in kobo: the override or the product's"})
      .field("size", &VariantView::size)
      .field("sku", &VariantView::sku)
      .field("status", &VariantView::status, {.oneOf = {"active", "archived"}});
}

// Images are stored as the JSON array the write checked.
std::string_view storedImages(const std::string& images) {
  return images.size() >= 2 && images.front() == '[' && images.back() == ']' ? std::string_view(images) : "[]";
}

std::vector<ProductImage> imagesOf(const std::string& stored) {
  std::vector<ProductImage> out;
  const Json images = Json::parse(storedImages(stored), nullptr, false);
  if (!images.is_array()) return out;
  for (const auto& i : images) {
    if (!i.is_object()) continue;
    auto& image = out.emplace_back();
    image.alt = i.value("alt", "");
    image.publicId = i.value("publicId", "");
    image.url = i.value("url", "");
    if (i.contains("mediaId")) image.mediaId = i.value("mediaId", "");
    if (i.contains("thumbnailUrl")) image.thumbnailUrl = i.value("thumbnailUrl", "");
    if (i.contains("width")) image.width = i.value("width", 0LL);
    if (i.contains("height")) image.height = i.value("height", 0LL);
  }
  return out;
}

void appendOptionalString(std::string& out, const Row& r, std::string_view column) {
  if (r.isNull(column))
    out += "null";
  else
    appendJsonString(out, r.text(column));
}

void appendVariant(std::string& out, const Row& v) {
  out += R"({"available":)";
  const auto available = v.optInteger("available");
  out += available ? std::to_string(*available) : std::string("null");
  out += R"(,"color":)";
  appendOptionalString(out, v, "color");
  out += R"(,"id":)";
  appendJsonString(out, v.text("id"));
  out += R"(,"price":)";
  out += std::to_string(v.integer("price"));
  out += R"(,"size":)";
  appendOptionalString(out, v, "size");
  out += R"(,"sku":)";
  appendJsonString(out, v.text("sku"));
  out += R"(,"status":)";
  appendJsonString(out, v.text("status"));
  out += '}';
}

void appendProduct(std::string& out, const Row& r, std::string_view variants) {
  out += R"({"category":{"id":)";
  appendJsonString(out, r.text("category_id"));
  out += R"(,"name":)";
  appendJsonString(out, r.text("category_name"));
  out += R"(,"slug":)";
  appendJsonString(out, r.text("category_slug"));
  out += R"(},"createdAt":)";
  appendJsonString(out, rfc3339(r.integer("created_at")));
  out += R"(,"description":)";
  appendJsonString(out, r.text("description"));
  out += R"(,"id":)";
  appendJsonString(out, r.text("id"));
  out += R"(,"images":)";
  out += storedImages(r.text("images"));
  out += R"(,"name":)";
  appendJsonString(out, r.text("name"));
  out += R"(,"price":)";
  out += std::to_string(r.integer("price"));
  out += R"(,"slug":)";
  appendJsonString(out, r.text("slug"));
  out += R"(,"status":)";
  appendJsonString(out, r.text("status"));
  out += R"(,"variants":)";
  out += variants.empty() ? std::string_view("[]") : variants;
  out += R"(,"version":)";
  out += std::to_string(r.integer("version"));
  out += '}';
}

}  // namespace

Schema<ProductView> productSchema() {
  return Schema<ProductView>("A product with its variants")
      .field("category", &ProductView::category,
             Schema<CategoryRef>()
                 .field("id", &CategoryRef::id)
                 .field("name", &CategoryRef::name)
                 .field("slug", &CategoryRef::slug))
      .field("createdAt", &ProductView::createdAt)
      .field("description", &ProductView::description)
      .field("id", &ProductView::id)
      .field("images", &ProductView::images, imageSchema())
      .field("name", &ProductView::name)
      .field("price", &ProductView::price, {.description = "base price in kobo"})
      .field("slug", &ProductView::slug)
      .field("status", &ProductView::status, {.oneOf = {"draft", "active", "archived"}})
      .field("variants", &ProductView::variants, variantSchema(),
             {.description = "active variants; staff also see retired ones"})
      .field("version", &ProductView::version, {.description = "send it back with every change"});
}

template <class T>  // CategoryView or CategoryNode
Schema<T> categoryFields(Schema<T> s) {
  return s.field("id", &CategoryView::id)
      .field("name", &CategoryView::name)
      .field("parentId", &CategoryView::parentId, {.description = "null: a top-level category"})
      .field("slug", &CategoryView::slug);
}

Schema<CategoryView> categorySchema() { return categoryFields(Schema<CategoryView>("A category")); }

Schema<CategoryNode> categoryNodeSchema() {
  return categoryFields(Schema<CategoryNode>().field(
      "children", &CategoryNode::children, {.description = "the subcategories, each of this same shape"}));
}

Schema<CategoryTree> categoryTreeSchema() {
  return Schema<CategoryTree>("The category tree").field("data", &CategoryTree::data, categoryNodeSchema());
}

std::vector<ProductView> productViews(const ProductRows& rows) {
  std::unordered_map<std::string, std::vector<VariantView>> byProduct;
  for (const auto& v : rows.variants)
    byProduct[v.text("product_id")].push_back({v.optInteger("available"), v.optText("color"), v.text("id"),
                                               v.integer("price"), v.optText("size"), v.text("sku"),
                                               v.text("status")});
  std::vector<ProductView> out;
  out.reserve(rows.products.size());
  for (const auto& r : rows.products) {
    auto& p = out.emplace_back();
    p.category = {r.text("category_id"), r.text("category_name"), r.text("category_slug")};
    p.createdAt = {r.integer("created_at")};
    p.description = r.text("description");
    p.id = r.text("id");
    p.images = imagesOf(r.text("images"));
    p.name = r.text("name");
    p.price = r.integer("price");
    p.slug = r.text("slug");
    p.status = r.text("status");
    if (auto it = byProduct.find(p.id); it != byProduct.end()) p.variants = std::move(it->second);
    p.version = r.integer("version");
  }
  return out;
}

std::string productsText(const ProductRows& rows) {
  if (rows.products.empty()) return "[]";
  std::unordered_map<std::string, std::string> byProduct;  // product id -> JSON array text
  for (const auto& v : rows.variants) {
    std::string& list = byProduct[v.text("product_id")];
    list += list.empty() ? "[" : ",";
    appendVariant(list, v);
  }
  std::string out;
  out.reserve(1024 * rows.products.size());
  out += '[';
  for (const auto& r : rows.products) {
    if (out.size() > 1) out += ',';
    auto it = byProduct.find(r.text("id"));
    if (it == byProduct.end()) {
      appendProduct(out, r, {});
    } else {
      it->second += ']';
      appendProduct(out, r, it->second);
    }
  }
  out += ']';
  return out;
}

}  // namespace agape::catalog
