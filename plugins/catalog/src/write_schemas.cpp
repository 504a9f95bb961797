#include "write_schemas.h"

#include <set>

#include "text_util.h"

namespace agape::catalog {
namespace {

constexpr long long kMaxPrice = 1'000'000'000'000LL;

const Rules kProductName{.minLength = 1, .maxLength = 200};
const Rules kCategoryName{.minLength = 1, .maxLength = 120};
const Rules kDescription{.maxLength = 5000};
const Rules kCategoryId{.minLength = 1, .maxLength = 64};
const Rules kPrice{.min = 1, .max = kMaxPrice, .description = "kobo"};
const Rules kVariantText{.minLength = 1, .maxLength = 32};

Rules slugRules() {
  return {.minLength = 1, .maxLength = 120,
          .verify = [](const std::string& s) {
            return isValidSlug(s) ? std::string() : "must be lower-case letters, digits and single dashes";
          },
          .description = "lower-case letters, digits and single dashes; made from the name when left out"};
}

Rules skuRules() {
  return {.verify = [](const std::string& s) {
            return isValidSku(s) ? std::string() : "must match ^[A-Z0-9][A-Z0-9-]{2,63}$";
          },
          .description = "never changes once created"};
}

const Rules kVersion{.min = 1, .description = "the version last read; 409 version_conflict when it moved"};

// A field of a change that may be left out but not cleared.
Rules notNull(Rules rules) {
  rules.refuseNull = true;
  return rules;
}

// The name must give a slug when none is given.
void requireSlugSource(const std::string& name, const std::optional<std::string>& slug,
                       std::vector<FieldError>& errors) {
  if (!slug && slugify(name).empty()) errors.push_back({"slug", "is required when the name has no letters or digits"});
}

Schema<ImageIn> imageSchema() {
  return Schema<ImageIn>("An image by URL {url, publicId, alt}, or of the media library {mediaId, alt} or {publicId, alt}")
      .field("url", &ImageIn::url, {.minLength = 1, .maxLength = 2048})
      .field("publicId", &ImageIn::publicId, {.minLength = 1, .maxLength = 255})
      .field("alt", &ImageIn::alt, {.optional = true, .maxLength = 300})
      .field("mediaId", &ImageIn::mediaId, {.minLength = 1, .maxLength = 64})
      .check([](const ImageIn& in, std::vector<FieldError>& errors) {
        if (in.mediaId) {
          if (in.url || in.publicId)
            errors.push_back({"mediaId", "comes alone: the url and publicId are the media library's"});
          return;
        }
        if (in.publicId && !in.url) return;  // a media library image by its public id
        if (!in.url) errors.push_back({"url", "is required"});
        if (!in.publicId) errors.push_back({"publicId", "is required"});
        if (in.url && in.url->rfind("https://", 0) != 0 && in.url->rfind("http://", 0) != 0)
          errors.push_back({"url", "must be an http(s) URL"});
      });
}
const Rules kImages{.maxItems = 20};

template <class T>  // VariantIn or NewVariant
Schema<T>& variantFields(Schema<T>& s) {
  return s.field("sku", &VariantIn::sku, skuRules())
      .field("size", &VariantIn::size, kVariantText)
      .field("color", &VariantIn::color, kVariantText)
      .field("price", &VariantIn::price,
             {.min = 1, .max = kMaxPrice, .description = "kobo; left out or null: the product price"});
}

}  // namespace

Schema<NewProduct> newProductSchema() {
  Schema<VariantIn> variant;
  variantFields(variant);
  return Schema<NewProduct>()
      .field("name", &NewProduct::name, kProductName)
      .field("slug", &NewProduct::slug, slugRules())
      .field("description", &NewProduct::description,
             {.optional = true, .maxLength = kDescription.maxLength})
      .field("categoryId", &NewProduct::categoryId, kCategoryId)
      .field("price", &NewProduct::price, kPrice)
      .field("status", &NewProduct::status, {.optional = true, .oneOf = {"draft", "active"}})
      .field("images", &NewProduct::images, imageSchema(), {.optional = true, .maxItems = kImages.maxItems})
      .field("variants", &NewProduct::variants, variant, {.minItems = 1, .maxItems = 100})
      .check([](const NewProduct& p, std::vector<FieldError>& errors) {
        requireSlugSource(p.name, p.slug, errors);
        std::set<std::string> skus;
        for (std::size_t i = 0; i < p.variants.size(); ++i)
          if (!p.variants[i].sku.empty() && !skus.insert(p.variants[i].sku).second)
            errors.push_back({"variants[" + std::to_string(i) + "].sku", "is given twice"});
      });
}

Schema<ProductChanges> productChangesSchema() {
  return Schema<ProductChanges>()
      .field("version", &ProductChanges::version, kVersion)
      .field("name", &ProductChanges::name, notNull(kProductName))
      .field("slug", &ProductChanges::slug, notNull(slugRules()))
      .field("description", &ProductChanges::description, notNull(kDescription))
      .field("categoryId", &ProductChanges::categoryId, notNull(kCategoryId))
      .field("price", &ProductChanges::price, notNull(kPrice))
      .field("status", &ProductChanges::status,
             {.refuseNull = true,
              .oneOf = {"draft", "active", "archived"},
              .description = "to or from archived: admins only"})
      .field("images", &ProductChanges::images, imageSchema(), notNull(kImages));
}

Schema<NewVariant> newVariantSchema() {
  Schema<NewVariant> s;
  s.field("version", &NewVariant::version, kVersion);
  return variantFields(s);
}

Schema<VariantChanges> variantChangesSchema() {
  return Schema<VariantChanges>()
      .field("version", &VariantChanges::version, kVersion)
      .field("size", &VariantChanges::size, {.minLength = 1, .maxLength = 32, .description = "null clears it"})
      .field("color", &VariantChanges::color, {.minLength = 1, .maxLength = 32, .description = "null clears it"})
      .field("price", &VariantChanges::price,
             {.min = 1, .max = kMaxPrice, .description = "kobo; null: back to the product price"})
      .field("status", &VariantChanges::status,
             {.refuseNull = true, .oneOf = {"active", "archived"}, .description = "archived retires the variant"});
}

Schema<NewCategory> newCategorySchema() {
  return Schema<NewCategory>()
      .field("name", &NewCategory::name, kCategoryName)
      .field("slug", &NewCategory::slug, slugRules())
      .field("parentId", &NewCategory::parentId, {.minLength = 1, .maxLength = 64})
      .check([](const NewCategory& c, std::vector<FieldError>& errors) { requireSlugSource(c.name, c.slug, errors); });
}

Schema<CategoryChanges> categoryChangesSchema() {
  return Schema<CategoryChanges>()
      .field("name", &CategoryChanges::name, notNull(kCategoryName))
      .field("slug", &CategoryChanges::slug, notNull(slugRules()))
      .field("parentId", &CategoryChanges::parentId,
             {.minLength = 1, .maxLength = 64, .description = "null: a top-level category"});
}

}  // namespace agape::catalog
