#include "product_writer.h"

#include <set>

#include <agape/catalog/events.h>

#include "product_reader.h"
#include "search_index.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

// The images as resolveImages takes them, each with the field it came from.
std::vector<ImageInput> imageInputs(const std::vector<ImageIn>& images) {
  std::vector<ImageInput> out;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const ImageIn& img = images[i];
    const std::string f = "images[" + std::to_string(i) + "].";
    ImageInput in{f, Json{{"alt", img.alt}}, std::nullopt};
    if (img.mediaId) {
      in.mediaRef = *img.mediaId;
      in.mediaField = f + "mediaId";
    } else if (img.publicId && !img.url) {
      in.mediaRef = *img.publicId;
      in.mediaField = f + "publicId";
    } else {
      in.image = {{"url", img.url.value_or("")}, {"publicId", img.publicId.value_or("")}, {"alt", img.alt}};
    }
    out.push_back(std::move(in));
  }
  return out;
}

void requireCategory(Tx& tx, const std::string& id) {
  if (!tx.one("SELECT 1 AS x FROM catalog_categories WHERE id = :id", {{"id", id}}))
    throw Problem::validation({{"categoryId", "is not a known category"}});
}

void requireFreeSlug(Tx& tx, const std::string& slug, const std::string& exceptId) {
  if (tx.one("SELECT 1 AS x FROM catalog_products WHERE slug = :slug AND id <> :id",
             {{"slug", slug}, {"id", exceptId}}))
    throw Problem::conflict("duplicate", "A product with slug \"" + slug + "\" already exists.");
}

void requireFreeSku(Tx& tx, const std::string& sku) {
  if (tx.one("SELECT 1 AS x FROM catalog_variants WHERE sku = :sku", {{"sku", sku}}))
    throw Problem::conflict("duplicate", "SKU " + sku + " already exists.").withTitle("Duplicate SKU");
}

// Checks the product exists and is at `version`, then bumps it.
void bumpVersion(Tx& tx, const std::string& productId, long long version, long long now) {
  auto current = tx.one("SELECT version FROM catalog_products WHERE id = :id", {{"id", productId}});
  if (!current) throw Problem::notFound("No product with this id.");
  if (current->integer("version") != version)
    throw Problem::conflict("version_conflict", "The product changed since version " + std::to_string(version) +
                                                    "; it is now at version " +
                                                    std::to_string(current->integer("version")) + ".");
  if (tx.exec("UPDATE catalog_products SET version = version + 1, updated_at = :now WHERE id = :id AND version = :v",
              {{"now", now}, {"id", productId}, {"v", version}}) != 1)
    throw Problem::conflict("version_conflict", "The product changed while it was being updated.");
}

}  // namespace

ProductView ProductWriter::create(const NewProduct& in, const std::string& actor) {
  const std::string finalSlug = in.slug ? *in.slug : slugify(in.name);
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    const std::string id = newId(now);
    requireCategory(tx, in.categoryId);
    requireFreeSlug(tx, finalSlug, id);
    for (const auto& v : in.variants) requireFreeSku(tx, v.sku);
    const std::string imageJson = resolveImages(tx, imageInputs(in.images), deps_.media, id);
    tx.exec("INSERT INTO catalog_products (id, name, slug, description, category_id, price, status, images, version, "
            "created_at, updated_at) VALUES (:id, :name, :slug, :description, :category, :price, :status, :images, 1, "
            ":now, :now)",
            {{"id", id}, {"name", in.name}, {"slug", finalSlug}, {"description", in.description},
             {"category", in.categoryId}, {"price", in.price}, {"status", in.status},
             {"images", imageJson}, {"now", now}});
    const auto& vars = in.variants;
    for (std::size_t i = 0; i < vars.size(); ++i)
      tx.exec("INSERT INTO catalog_variants (id, product_id, sku, size, color, price, status, position) "
              "VALUES (:id, :product, :sku, :size, :color, :price, 'active', :position)",
              {{"id", newId(now)}, {"product", id}, {"sku", vars[i].sku}, {"size", vars[i].size},
               {"color", vars[i].color}, {"price", vars[i].price}, {"position", static_cast<long long>(i)}});
    reindexProduct(tx, id);
    refreshPrices(tx, id);
    deps_.audit.record(actor, "product.create", "product", id, Json{{"name", in.name}, {"slug", finalSlug}}.dump(), tx);
    deps_.events.publish(tx, ProductCreated{.id = id, .slug = finalSlug, .version = 1});
    deps_.changed(tx, id);
    return *productView(tx, id, true);
  });
}

ProductView ProductWriter::update(const std::string& id, const ProductChanges& in, const std::string& actor,
                                 bool mayArchive) {
  // Nulls were refused with the body: a given field holds its value.
  const auto& name = in.name.value;
  const auto& slug = in.slug.value;
  const auto& description = in.description.value;
  const auto& categoryId = in.categoryId.value;
  const auto& basePrice = in.price.value;
  const auto& st = in.status.value;
  const long long version = in.version;

  return deps_.db.run([&](Tx& tx) {
    auto current = tx.one("SELECT version, status FROM catalog_products WHERE id = :id", {{"id", id}});
    if (!current) throw Problem::notFound("No product with this id.");
    const std::string was = current->text("status");
    if (st && *st != was && (*st == "archived" || was == "archived") && !mayArchive)
      throw Problem::forbidden("Only admins archive or restore products.");
    if (current->integer("version") != version)
      throw Problem::conflict("version_conflict", "The product changed since version " + std::to_string(version) +
                                                      "; it is now at version " +
                                                      std::to_string(current->integer("version")) + ".");
    if (categoryId) requireCategory(tx, *categoryId);
    if (slug) requireFreeSlug(tx, *slug, id);
    // Column names come from this fixed list; only values are bound.
    std::string set;
    Params params;
    Json changed = Json::object();
    auto assign = [&](const char* column, const char* field, const auto& value) {
      if (!value) return;
      set += std::string(", ") + column + " = :" + column;
      params.emplace_back(column, *value);
      changed[field] = *value;
    };
    assign("name", "name", name);
    assign("slug", "slug", slug);
    assign("description", "description", description);
    assign("category_id", "categoryId", categoryId);
    assign("price", "price", basePrice);
    assign("status", "status", st);
    const std::optional<std::string> imageJson =
        in.images.value ? std::optional<std::string>(resolveImages(tx, imageInputs(*in.images.value), deps_.media, id))
                        : std::nullopt;
    assign("images", "images", imageJson);
    params.emplace_back("updated", deps_.nowMs());
    params.emplace_back("id", id);
    params.emplace_back("version", version);
    const long long n = tx.exec("UPDATE catalog_products SET version = version + 1" + set +
                                    ", updated_at = :updated WHERE id = :id AND version = :version",
                                params);
    if (n != 1) throw Problem::conflict("version_conflict", "The product changed while it was being updated.");
    if (name || description || categoryId || st) reindexProduct(tx, id);
    if (basePrice) refreshPrices(tx, id);
    const ProductChange change{.id = id, .version = version + 1, .changed = JsonText{changed.dump()}};
    deps_.audit.record(actor, "product.update", "product", id, changed.dump(), tx);
    if (st && *st == "archived")
      deps_.events.publish(tx, ProductArchived{change});
    else
      deps_.events.publish(tx, ProductUpdated{change});
    deps_.changed(tx, id);
    return *productView(tx, id, true);
  });
}

void ProductWriter::archive(const std::string& id, const std::string& actor) {
  deps_.db.run([&](Tx& tx) {
    auto current = tx.one("SELECT status, version FROM catalog_products WHERE id = :id", {{"id", id}});
    if (!current) throw Problem::notFound("No product with this id.");
    if (current->text("status") == "archived") return;  // archiving twice changes nothing
    tx.exec("UPDATE catalog_products SET status = 'archived', version = version + 1, updated_at = :now WHERE id = :id",
            {{"now", deps_.nowMs()}, {"id", id}});
    reindexProduct(tx, id);
    deps_.audit.record(actor, "product.archive", "product", id, "{}", tx);
    deps_.events.publish(tx, ProductArchived{{.id = id, .version = current->integer("version") + 1, .changed = {}}});
    deps_.changed(tx, id);
  });
}

ProductView ProductWriter::addVariant(const std::string& productId, const NewVariant& in, const std::string& actor) {
  const long long version = in.version;
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    bumpVersion(tx, productId, version, now);
    requireFreeSku(tx, in.sku);
    const auto last = tx.one("SELECT COALESCE(MAX(position), -1) AS n FROM catalog_variants WHERE product_id = :p",
                             {{"p", productId}});
    const std::string id = newId(now);
    tx.exec("INSERT INTO catalog_variants (id, product_id, sku, size, color, price, status, position) "
            "VALUES (:id, :product, :sku, :size, :color, :price, 'active', :position)",
            {{"id", id}, {"product", productId}, {"sku", in.sku}, {"size", in.size}, {"color", in.color},
             {"price", in.price}, {"position", last->integer("n") + 1}});
    refreshPrices(tx, productId);
    const Json details{{"variantId", id}, {"sku", in.sku}};
    deps_.audit.record(actor, "product.variant.add", "product", productId, details.dump(), tx);
    deps_.events.publish(tx, ProductUpdated{{.id = productId,
                                             .version = version + 1,
                                             .changed = JsonText{Json{{"variantAdded", details}}.dump()}}});
    deps_.changed(tx, productId);
    return *productView(tx, productId, true);
  });
}

ProductView ProductWriter::updateVariant(const std::string& productId, const std::string& variantId,
                                        const VariantChanges& in, const std::string& actor) {
  const long long version = in.version;
  // Given as null: back to no value (price: back to the product price).
  auto nullable = [](const auto& field) -> std::optional<Value> {
    if (!field.given) return std::nullopt;
    return field.value ? Value(*field.value) : Value(nullptr);
  };
  const auto size = nullable(in.size);
  const auto color = nullable(in.color);
  const auto overridePrice = nullable(in.price);
  const auto& st = in.status.value;
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    bumpVersion(tx, productId, version, now);
    if (!tx.one("SELECT 1 AS x FROM catalog_variants WHERE id = :id AND product_id = :p",
                {{"id", variantId}, {"p", productId}}))
      throw Problem::notFound("No variant with this id on this product.");
    // Column names come from this fixed list; only values are bound.
    std::string set;
    Params params;
    Json changed = Json::object();
    auto assign = [&](const char* column, const std::optional<Value>& value, Json shown) {
      if (!value) return;
      set += std::string(set.empty() ? "" : ", ") + column + " = :" + column;
      params.emplace_back(column, *value);
      changed[column] = std::move(shown);
    };
    auto shown = [](const std::optional<Value>& v) -> Json {
      if (!v || v->isNull()) return nullptr;
      if (auto* i = std::get_if<long long>(&v->storage())) return *i;
      return v->asString();
    };
    assign("size", size, shown(size));
    assign("color", color, shown(color));
    assign("price", overridePrice, shown(overridePrice));
    assign("status", st ? std::optional<Value>(Value(*st)) : std::nullopt, st ? Json(*st) : Json());
    if (!set.empty()) {
      params.emplace_back("id", variantId);
      tx.exec("UPDATE catalog_variants SET " + set + " WHERE id = :id", params);
      refreshPrices(tx, productId);
    }
    Json details = changed;
    details["variantId"] = variantId;
    deps_.audit.record(actor, st && *st == "archived" ? "product.variant.retire" : "product.variant.update", "product",
                       productId, details.dump(), tx);
    deps_.events.publish(tx, ProductUpdated{{.id = productId,
                                             .version = version + 1,
                                             .changed = JsonText{Json{{"variant", details}}.dump()}}});
    deps_.changed(tx, productId);
    return *productView(tx, productId, true);
  });
}

}  // namespace agape::catalog
