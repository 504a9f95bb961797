#include "category_store.h"

#include <agape/catalog/events.h>

#include "product_reader.h"
#include "search_index.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

CategoryView render(Tx& tx, const std::string& id) {
  auto r = tx.one("SELECT id, slug, name, parent_id FROM catalog_categories WHERE id = :id", {{"id", id}});
  return {r->text("id"), r->text("name"), r->optText("parent_id"), r->text("slug")};
}

CategoryShown shown(const CategoryView& c) {
  return {.id = c.id, .slug = c.slug, .name = c.name, .parentId = c.parentId};
}

// As audit entries show a category.
Json jsonOf(const CategoryView& c) {
  return Json{{"id", c.id}, {"slug", c.slug}, {"name", c.name}, {"parentId", c.parentId ? Json(*c.parentId) : Json()}};
}

void requireFreeSlug(Tx& tx, const std::string& slug, const std::string& exceptId) {
  if (tx.one("SELECT 1 AS x FROM catalog_categories WHERE slug = :slug AND id <> :id",
             {{"slug", slug}, {"id", exceptId}}))
    throw Problem::conflict("duplicate", "A category with slug \"" + slug + "\" already exists.");
}

void requireParent(Tx& tx, const std::string& parentId, const std::string& selfId) {
  const auto all = loadCategories(tx);
  bool found = false;
  for (const auto& c : all) found = found || c.id == parentId;
  if (!found) throw Problem::validation({{"parentId", "is not a known category"}});
  for (const auto& below : categoryAndDescendants(all, selfId))
    if (below == parentId) throw Problem::validation({{"parentId", "must not be the category itself or below it"}});
}

}  // namespace

CategoryView CategoryStore::create(const NewCategory& in, const std::string& actor) {
  const std::string finalSlug = in.slug ? *in.slug : slugify(in.name);
  const auto& parentId = in.parentId;
  return deps_.db.run([&](Tx& tx) {
    const long long now = deps_.nowMs();
    const std::string id = newId(now);
    requireFreeSlug(tx, finalSlug, id);
    if (parentId) requireParent(tx, *parentId, id);
    tx.exec("INSERT INTO catalog_categories (id, slug, name, parent_id, created_at, updated_at) "
            "VALUES (:id, :slug, :name, :parent, :now, :now)",
            {{"id", id}, {"slug", finalSlug}, {"name", in.name}, {"parent", parentId}, {"now", now}});
    const CategoryView out = render(tx, id);
    deps_.audit.record(actor, "category.create", "category", id, jsonOf(out).dump(), tx);
    deps_.events.publish(tx, CategoryCreated{shown(out)});
    deps_.changed(tx);
    return out;
  });
}

CategoryView CategoryStore::update(const std::string& id, const CategoryChanges& in, const std::string& actor) {
  // Nulls for name and slug were refused with the body.
  const auto& name = in.name.value;
  const auto& slug = in.slug.value;
  const bool parentGiven = in.parentId.given;
  const auto& parentId = in.parentId.value;
  Json given = Json::object();
  if (name) given["name"] = *name;
  if (slug) given["slug"] = *slug;
  if (parentGiven) given["parentId"] = parentId ? Json(*parentId) : Json();
  return deps_.db.run([&](Tx& tx) {
    if (!tx.one("SELECT 1 AS x FROM catalog_categories WHERE id = :id", {{"id", id}}))
      throw Problem::notFound("No category with this id.");
    if (slug) requireFreeSlug(tx, *slug, id);
    if (parentId) requireParent(tx, *parentId, id);
    const long long now = deps_.nowMs();
    if (name) tx.exec("UPDATE catalog_categories SET name = :name, updated_at = :now WHERE id = :id",
                      {{"name", *name}, {"now", now}, {"id", id}});
    if (slug) tx.exec("UPDATE catalog_categories SET slug = :slug, updated_at = :now WHERE id = :id",
                      {{"slug", *slug}, {"now", now}, {"id", id}});
    if (parentGiven)
      tx.exec("UPDATE catalog_categories SET parent_id = :parent, updated_at = :now WHERE id = :id",
              {{"parent", parentId}, {"now", now}, {"id", id}});
    if (name) reindexCategory(tx, id);  // the category name is searchable
    const CategoryView out = render(tx, id);
    deps_.audit.record(actor, "category.update", "category", id, given.dump(), tx);
    deps_.events.publish(tx, CategoryUpdated{shown(out)});
    deps_.changed(tx);
    return out;
  });
}

void CategoryStore::remove(const std::string& id, const std::optional<std::string>& reassignTo,
                           const std::string& actor) {
  deps_.db.run([&](Tx& tx) {
    auto current = tx.one("SELECT parent_id FROM catalog_categories WHERE id = :id", {{"id", id}});
    if (!current) throw Problem::notFound("No category with this id.");
    const long long products =
        tx.one("SELECT COUNT(*) AS n FROM catalog_products WHERE category_id = :id",
               {{"id", id}})->integer("n");
    if (products > 0) {
      if (!reassignTo)
        throw Problem::conflict("category_not_empty", std::to_string(products) +
                                                          " products use this category; pass reassignTo to move them.");
      if (*reassignTo == id || !tx.one("SELECT 1 AS x FROM catalog_categories WHERE id = :id",
                                       {{"id", *reassignTo}}))
        throw Problem::validation({{"reassignTo", "must be another existing category"}});
      tx.exec("UPDATE catalog_products SET category_id = :to, version = version + 1, updated_at = :now "
              "WHERE category_id = :id",
              {{"to", *reassignTo}, {"now", deps_.nowMs()}, {"id", id}});
      reindexCategory(tx, *reassignTo);
    }
    // Subcategories move up to the deleted category's parent.
    tx.exec("UPDATE catalog_categories SET parent_id = :parent WHERE parent_id = :id",
            {{"parent", current->optText("parent_id")}, {"id", id}});
    tx.exec("DELETE FROM catalog_categories WHERE id = :id", {{"id", id}});
    const Json details{{"id", id}, {"reassignTo", reassignTo ? Json(*reassignTo) : Json()}, {"products", products}};
    deps_.audit.record(actor, "category.delete", "category", id, details.dump(), tx);
    deps_.events.publish(tx, CategoryDeleted{.id = id, .reassignTo = reassignTo, .products = products});
    deps_.changed(tx);
  });
}

}  // namespace agape::catalog
