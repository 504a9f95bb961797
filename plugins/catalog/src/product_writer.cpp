#include "product_writer.h"

#include <set>

#include "product_reader.h"
#include "search_index.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

constexpr long long kMaxPrice = 1'000'000'000'000LL;

std::optional<long long> price(const Json& body, const char* key, BodyErrors& e, const std::string& prefix = "") {
  if (!body.contains(key)) return std::nullopt;
  const auto& v = body[key];
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > kMaxPrice) {
    e.add(prefix + key, "must be a positive integer amount in kobo");
    return std::nullopt;
  }
  return v.get<long long>();
}

// images: each {url, publicId, alt?} (stored as given after checking) or
// {mediaId, alt?} / {publicId, alt?} of the media library (resolved in the
// write's transaction by resolveImages).
std::optional<std::vector<ImageInput>> images(const Json& body, BodyErrors& e) {
  if (!body.contains("images")) return std::nullopt;
  const auto& v = body["images"];
  if (!v.is_array() || v.size() > 20) {
    e.add("images", "must be an array of at most 20 images");
    return std::nullopt;
  }
  std::vector<ImageInput> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string f = "images[" + std::to_string(i) + "].";
    const auto& img = v[i];
    if (!img.is_object()) {
      e.add("images[" + std::to_string(i) + "]", "must be an object {url, publicId, alt} or {mediaId, alt}");
      continue;
    }
    for (const auto& [k, _] : img.items())
      if (k != "url" && k != "publicId" && k != "alt" && k != "mediaId") e.add(f + k, "is not a known field");
    auto url = stringField(img, "url", 2048, e, f);
    auto publicId = stringField(img, "publicId", 255, e, f);
    auto alt = stringField(img, "alt", 300, e, f, 0);
    auto mediaId = stringField(img, "mediaId", 64, e, f);
    ImageInput in{f, Json{{"alt", alt.value_or("")}}, std::nullopt};
    if (mediaId) {
      if (url || publicId) e.add(f + "mediaId", "comes alone: the url and publicId are the media library's");
      in.mediaRef = *mediaId;
      in.mediaField = f + "mediaId";
    } else if (publicId && !img.contains("url")) {
      in.mediaRef = *publicId;
      in.mediaField = f + "publicId";
    } else {
      if (!img.contains("url")) e.add(f + "url", "is required");
      if (!img.contains("publicId")) e.add(f + "publicId", "is required");
      if (url && url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) e.add(f + "url", "must be an http(s) URL");
      in.image = {{"url", url.value_or("")}, {"publicId", publicId.value_or("")}, {"alt", alt.value_or("")}};
    }
    out.push_back(std::move(in));
  }
  return out;
}

std::optional<std::string> status(const Json& body, BodyErrors& e, bool allowArchived) {
  auto s = stringField(body, "status", 16, e);
  if (s && *s != "draft" && *s != "active" && !(allowArchived && *s == "archived")) {
    e.add("status", allowArchived ? "must be draft, active or archived" : "must be draft or active");
    return std::nullopt;
  }
  return s;
}

void checkSlug(std::optional<std::string>& slug, BodyErrors& e) {
  if (slug && !isValidSlug(*slug)) {
    e.add("slug", "must be lower-case letters, digits and single dashes");
    slug.reset();
  }
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

struct VariantIn {
  std::string sku;
  std::optional<std::string> size, color;
  std::optional<long long> price;
};

// One variant object {sku, size?, color?, price?}; field names prefixed by `f`.
VariantIn variantIn(const Json& v, const std::string& f, BodyErrors& e,
                    const std::set<std::string>& allowed = {"sku", "size", "color", "price"}) {
  for (const auto& [k, _] : v.items())
    if (!allowed.count(k)) e.add(f + k, "is not a known field");
  VariantIn in;
  auto sku = stringField(v, "sku", 64, e, f);
  if (!sku || !isValidSku(*sku))
    e.add(f + "sku", "must match ^[A-Z0-9][A-Z0-9-]{2,63}$");
  else
    in.sku = *sku;
  in.size = stringField(v, "size", 32, e, f);
  in.color = stringField(v, "color", 32, e, f);
  if (v.contains("price") && !v["price"].is_null()) in.price = price(v, "price", e, f);
  return in;
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

std::optional<long long> requiredVersion(const Json& body, BodyErrors& e) {
  if (!body.contains("version") || !body["version"].is_number_integer()) {
    e.add("version", "is required: the version you last read");
    return std::nullopt;
  }
  return body["version"].get<long long>();
}

std::vector<VariantIn> variants(const Json& body, BodyErrors& e) {
  std::vector<VariantIn> out;
  if (!body.contains("variants")) {
    e.add("variants", "is required: at least one variant");
    return out;
  }
  const auto& v = body["variants"];
  if (!v.is_array() || v.empty() || v.size() > 100) {
    e.add("variants", "must be an array of 1 to 100 variants");
    return out;
  }
  std::set<std::string> skus;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string f = "variants[" + std::to_string(i) + "].";
    if (!v[i].is_object()) {
      e.add("variants[" + std::to_string(i) + "]", "must be an object {sku, size, color, price}");
      continue;
    }
    VariantIn in = variantIn(v[i], f, e);
    if (!in.sku.empty() && !skus.insert(in.sku).second) {
      e.add(f + "sku", "is given twice");
      in.sku.clear();
    }
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace

Json ProductWriter::create(const Json& body, const std::string& actor) {
  BodyErrors e;
  auto name = stringField(body, "name", 200, e);
  if (!body.contains("name")) e.add("name", "is required");
  auto slug = stringField(body, "slug", 120, e);
  checkSlug(slug, e);
  auto description = stringField(body, "description", 5000, e, "", 0);
  auto categoryId = stringField(body, "categoryId", 64, e);
  if (!body.contains("categoryId")) e.add("categoryId", "is required");
  auto basePrice = price(body, "price", e);
  if (!body.contains("price")) e.add("price", "is required");
  auto st = status(body, e, false);
  auto imgs = images(body, e);
  auto vars = variants(body, e);
  if (name && !slug && slugify(*name).empty()) e.add("slug", "is required when the name has no letters or digits");
  e.throwIfAny();
  const std::string finalSlug = slug ? *slug : slugify(*name);

  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    const std::string id = newId(now);
    requireCategory(tx, *categoryId);
    requireFreeSlug(tx, finalSlug, id);
    for (const auto& v : vars) requireFreeSku(tx, v.sku);
    const std::string imageJson = imgs ? resolveImages(tx, *imgs, deps_.media, id) : "[]";
    tx.exec("INSERT INTO catalog_products (id, name, slug, description, category_id, price, status, images, version, "
            "created_at, updated_at) VALUES (:id, :name, :slug, :description, :category, :price, :status, :images, 1, "
            ":now, :now)",
            {{"id", id}, {"name", *name}, {"slug", finalSlug}, {"description", description.value_or("")},
             {"category", *categoryId}, {"price", *basePrice}, {"status", st.value_or("active")},
             {"images", imageJson}, {"now", now}});
    for (std::size_t i = 0; i < vars.size(); ++i)
      tx.exec("INSERT INTO catalog_variants (id, product_id, sku, size, color, price, status, position) "
              "VALUES (:id, :product, :sku, :size, :color, :price, 'active', :position)",
              {{"id", newId(now)}, {"product", id}, {"sku", vars[i].sku}, {"size", vars[i].size},
               {"color", vars[i].color}, {"price", vars[i].price}, {"position", static_cast<long long>(i)}});
    reindexProduct(tx, id);
    refreshPrices(tx, id);
    const Json event{{"id", id}, {"slug", finalSlug}, {"version", 1}};
    deps_.audit.record(actor, "product.create", "product", id, Json{{"name", *name}, {"slug", finalSlug}}.dump(), tx);
    deps_.events.publish("product.created", event.dump(), tx);
    deps_.changed(tx);
    return *productByIdOrSlug(tx, id, true);
  });
}

Json ProductWriter::update(const std::string& id, const Json& body, const std::string& actor, bool mayArchive) {
  BodyErrors e;
  const auto expected = requiredVersion(body, e);
  auto name = stringField(body, "name", 200, e);
  auto slug = stringField(body, "slug", 120, e);
  checkSlug(slug, e);
  auto description = stringField(body, "description", 5000, e, "", 0);
  auto categoryId = stringField(body, "categoryId", 64, e);
  auto basePrice = price(body, "price", e);
  auto st = status(body, e, true);
  auto imgs = images(body, e);
  e.throwIfAny();
  const long long version = *expected;

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
        imgs ? std::optional<std::string>(resolveImages(tx, *imgs, deps_.media, id)) : std::nullopt;
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
    const Json event{{"id", id}, {"version", version + 1}, {"changed", changed}};
    deps_.audit.record(actor, "product.update", "product", id, changed.dump(), tx);
    deps_.events.publish(st && *st == "archived" ? "product.archived" : "product.updated", event.dump(), tx);
    deps_.changed(tx);
    return *productByIdOrSlug(tx, id, true);
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
    deps_.events.publish("product.archived",
                         Json{{"id", id}, {"version", current->integer("version") + 1}}.dump(), tx);
    deps_.changed(tx);
  });
}

Json ProductWriter::addVariant(const std::string& productId, const Json& body, const std::string& actor) {
  BodyErrors e;
  const auto version = requiredVersion(body, e);
  const VariantIn in = variantIn(body, "", e, {"version", "sku", "size", "color", "price"});
  e.throwIfAny();
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    bumpVersion(tx, productId, *version, now);
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
    deps_.events.publish("product.updated",
                         Json{{"id", productId}, {"version", *version + 1}, {"changed", {{"variantAdded", details}}}}
                             .dump(),
                         tx);
    deps_.changed(tx);
    return *productByIdOrSlug(tx, productId, true);
  });
}

Json ProductWriter::updateVariant(const std::string& productId, const std::string& variantId, const Json& body,
                                  const std::string& actor) {
  BodyErrors e;
  const auto version = requiredVersion(body, e);
  for (const auto& [k, _] : body.items())
    if (k == "sku")
      e.add("sku", "cannot be changed: retire this variant and add one with the new SKU");
    else if (k != "version" && k != "size" && k != "color" && k != "price" && k != "status")
      e.add(k, "is not a known field");
  // size, color and price may be null: null clears them (price: back to the product price).
  auto nullable = [&](const char* key, auto parse) -> std::optional<Value> {
    if (!body.contains(key)) return std::nullopt;
    if (body[key].is_null()) return Value(nullptr);
    auto v = parse();
    return v ? std::optional<Value>(Value(*v)) : std::nullopt;
  };
  const auto size = nullable("size", [&] { return stringField(body, "size", 32, e); });
  const auto color = nullable("color", [&] { return stringField(body, "color", 32, e); });
  const auto overridePrice = nullable("price", [&] { return price(body, "price", e); });
  auto st = stringField(body, "status", 16, e);
  if (st && *st != "active" && *st != "archived") e.add("status", "must be active or archived");
  e.throwIfAny();
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    bumpVersion(tx, productId, *version, now);
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
    deps_.events.publish("product.updated",
                         Json{{"id", productId}, {"version", *version + 1}, {"changed", {{"variant", details}}}}.dump(),
                         tx);
    deps_.changed(tx);
    return *productByIdOrSlug(tx, productId, true);
  });
}

}  // namespace agape::catalog
