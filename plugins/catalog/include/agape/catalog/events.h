#pragma once
// The events the catalogue publishes when staff change it.

#include <optional>
#include <string>
#include <string_view>

#include <agape/events.h>
#include <agape/schema.h>

namespace agape::catalog {

// A category as its events show it.
struct CategoryShown {
  std::string id;
  std::string slug;
  std::string name;
  std::optional<std::string> parentId;  // null: a top-level category

  template <class E>
  static Schema<E> schemaAs() {
    return Schema<E>()
        .field("id", &CategoryShown::id)
        .field("slug", &CategoryShown::slug)
        .field("name", &CategoryShown::name)
        .field("parentId", &CategoryShown::parentId, {.optional = true});
  }
};

using CategoryCreated = EventOf<CategoryShown, "category.created">;
// The category as it is now.
using CategoryUpdated = EventOf<CategoryShown, "category.updated">;

// "category.deleted": its products moved to `reassignTo`, its subcategories
// to its parent.
struct CategoryDeleted {
  static constexpr std::string_view topic = "category.deleted";
  static constexpr int schemaVersion = 1;
  static const Schema<CategoryDeleted>& schema() {
    static const auto s = Schema<CategoryDeleted>()
                              .field("id", &CategoryDeleted::id)
                              .field("reassignTo", &CategoryDeleted::reassignTo, {.optional = true})
                              .field("products", &CategoryDeleted::products);
    return s;
  }
  std::string id;
  std::optional<std::string> reassignTo;  // null when it had no products
  long long products = 0;                 // how many moved
};

// "product.created"
struct ProductCreated {
  static constexpr std::string_view topic = "product.created";
  static constexpr int schemaVersion = 1;
  static const Schema<ProductCreated>& schema() {
    static const auto s = Schema<ProductCreated>()
                              .field("id", &ProductCreated::id)
                              .field("slug", &ProductCreated::slug)
                              .field("version", &ProductCreated::version);
    return s;
  }
  std::string id;
  std::string slug;
  long long version = 1;  // the product's
};

// A product's change: its new version and, for an edit, what changed.
struct ProductChange {
  std::string id;
  long long version = 0;  // the product's, after the change
  // The changed columns and their new values ({"price": 12000}), or
  // {"variantAdded": {variantId, sku}} or {"variant": {variantId, ...}};
  // left out when a product is archived on its own.
  std::optional<JsonText> changed;

  template <class E>
  static Schema<E> schemaAs() {
    return Schema<E>()
        .field("id", &ProductChange::id)
        .field("version", &ProductChange::version)
        .field("changed", &ProductChange::changed, {.optional = true, .omitWhenNull = true});
  }
};

using ProductUpdated = EventOf<ProductChange, "product.updated">;
// Taken off sale (an edit that set the status, or archive).
using ProductArchived = EventOf<ProductChange, "product.archived">;

// Many products changed at once, without an event each (a bulk import,
// demo pictures attached): what keeps a copy of the catalogue reads it again.
struct CatalogReloaded {
  static constexpr std::string_view topic = "catalog.reloaded";
  static constexpr int schemaVersion = 1;
  static const Schema<CatalogReloaded>& schema() {
    static const auto s = Schema<CatalogReloaded>().field("reason", &CatalogReloaded::reason);
    return s;
  }
  std::string reason;  // "import", "images"
};

}  // namespace agape::catalog
