#include "catalog_routes.h"

#include <chrono>
#include <map>
#include <stdexcept>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/logger.h>
#include <agape/problem.h>
#include <agape/roles.h>

#include "list_query.h"
#include "product_reader.h"
#include "text_util.h"
#include "write_schemas.h"

namespace agape::catalog {
namespace {

const std::vector<std::string> kEditors = {std::string(roles::admin), std::string(roles::merchant)};
constexpr const char* kTag = "catalog";

bool isStaff(const Request& req) {
  return req.principal && (req.principal->hasRole(roles::admin) || req.principal->hasRole(roles::merchant));
}

// True when If-None-Match names `etag` (or is "*").
bool matches(const Request& req, const std::string& etag) {
  auto h = req.header("If-None-Match");
  if (!h) return false;
  std::string_view v = *h;
  while (!v.empty()) {
    const auto comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.rfind("W/", 0) == 0) item.remove_prefix(2);  // weak comparison, RFC 9110 13.1.2
    if (item == etag || item == "*") return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

struct ReassignQuery {
  std::optional<std::string> reassignTo;
};

}  // namespace

CatalogApi::CatalogApi(Context& ctx, const CatalogConfig& config)
    : ctx_(ctx),
      cache_(config.cacheTtl),
      products_(WriteDeps{ctx.db(), ctx.audit(), ctx.events(), ctx.clock(),
                          [this](const std::string& productId) { committed(productId); }}),
      categories_(WriteDeps{ctx.db(), ctx.audit(), ctx.events(), ctx.clock(),
                            [this](const std::string& productId) { committed(productId); }}),
      searchFallbacks_(&ctx.metrics().counter("agape_catalog_search_fallbacks_total",
                                              "Searches the engine failed and the database answered.")) {}

Response CatalogApi::respond(const Request& req, const CachedResponse& r) {
  Response out = matches(req, r.etag) ? Response::withStatus(304) : Response::json(r.body, r.status);
  out.headers.set("ETag", r.etag);
  out.headers.set("Cache-Control", "no-cache");  // clients revalidate with If-None-Match
  return out;
}

template <class Q, class O, class KeyOf, class Render>
void CatalogApi::cachedRoute(Routes& routes, std::string path, const Contract<None, Q, O>& contract,
                             RouteOptions options, KeyOf keyOf, Render render) {
  options.fastPath = [this, contract, keyOf](Request& req) -> std::optional<Response> {
    Q query{};
    if constexpr (std::is_same_v<Q, None>)
      schema::refuseQuery(req);
    else
      query = contract.querySchema->decodeQuery(req.queryParams);
    auto hit = cache_.peek(keyOf(req, query));
    if (!hit) return std::nullopt;
    return respond(req, *hit);
  };
  routes.get(std::move(path), contract, std::move(options),
             [this, keyOf = std::move(keyOf), render = std::move(render)](Call<None, Q>& call) {
               Request& req = call.request;
               const auto r = cache_.getOrRender(keyOf(req, call.query), [&] {
                 std::string body = render(req, call.query);
                 std::string etag = etagOf(body);
                 return CachedResponse{200, std::move(body), std::move(etag)};
               });
               return respond(req, *r);
             });
}

void CatalogApi::registerRoutes(Routes& routes) {
  const auto product = productSchema();
  const auto productPage = pageSchema(product);

  // The cached reads write their bodies straight to text: the same bytes
  // their response schemas encode, without building the documents first.
  cachedRoute(routes, "/v1/products", Contract().query(listQuerySchema()).returns(productPage),
      {.summary = "Lists active products with filters, sorted and paginated", .tag = kTag},
      [](Request&, const ListQuery& q) { return "list|" + normalisedKey(q); },
      [this](Request&, const ListQuery& q) {
        return ctx_.db().read([&](Tx& tx) { return pageText(listProducts(tx, q)); });
      });

  cachedRoute(routes, "/v1/products/search", Contract().query(searchQuerySchema()).returns(searchPageSchema()),
      {.summary = "Ranked full-text search over name, category and description, with the list's filters and "
                  "sorts, facet counts and spelling suggestions",
       .tag = kTag},
      [](Request&, const SearchQuery& q) { return "search|" + normalisedKey(q); },
      [this](Request&, const SearchQuery& q) { return searchResultText(search(q)); });

  cachedRoute(routes, "/v1/products/categories", Contract().returns(categoryTreeSchema()),
      {.summary = "The category tree", .tag = kTag},
      [](Request&, const None&) { return std::string("categories"); },
      [this, tree = categoryTreeSchema()](Request&, const None&) {
        return ctx_.db().read([&](Tx& tx) { return tree.encode(categoryTree(tx)); });
      });

  // Staff and public views of a product are separate entries.
  cachedRoute(routes, "/v1/products/:idOrSlug", Contract().returns(product),
      {.summary = "One product by id or slug", .tag = kTag},
      [](Request& req, const None&) {
        return std::string(isStaff(req) ? "detail-staff|" : "detail|") + std::string(req.requireParam("idOrSlug"));
      },
      [this](Request& req, const None&) {
        const auto rows = ctx_.db().read(
            [&](Tx& tx) { return productRows(tx, std::string(req.requireParam("idOrSlug")), isStaff(req)); });
        if (!rows) throw Problem::notFound("No product with this id or slug.");
        std::string array = productsText(*rows);
        return array.substr(1, array.size() - 2);  // the one element
      });

  routes.post("/v1/products", Contract().body(newProductSchema()).returns(product),
      {.access = Access::Roles, .roles = kEditors, .summary = "Creates a product with its variants", .tag = kTag,
       .successStatus = 201},
      [this](Call<NewProduct>& call) {
        ProductView created = products_.create(call.body, call.principal().id);
        call.headers.set("Location", "/v1/products/" + created.id);
        return created;
      });

  routes.patch("/v1/products/:id", Contract().body(productChangesSchema()).returns(product),
      {.access = Access::Roles, .roles = kEditors, .summary = "Updates a product (version required)", .tag = kTag},
      [this](Call<ProductChanges>& call) {
        const bool admin = call.principal().hasRole(roles::admin);
        return products_.update(std::string(call.param("id")), call.body, call.principal().id, admin);
      });

  routes.post("/v1/products/:id/variants", Contract().body(newVariantSchema()).returns(product),
      {.access = Access::Roles, .roles = kEditors, .summary = "Adds a variant to a product (product version required)",
       .tag = kTag, .successStatus = 201},
      [this](Call<NewVariant>& call) {
        return products_.addVariant(std::string(call.param("id")), call.body, call.principal().id);
      });

  routes.patch("/v1/products/:id/variants/:variantId", Contract().body(variantChangesSchema()).returns(product),
      {.access = Access::Roles, .roles = kEditors,
       .summary = "Changes a variant's size, colour or price override, or retires it (status archived)", .tag = kTag},
      [this](Call<VariantChanges>& call) {
        return products_.updateVariant(std::string(call.param("id")), std::string(call.param("variantId")), call.body,
                                       call.principal().id);
      });

  routes.del("/v1/products/:id", Contract(),
      {.access = Access::Roles, .roles = {std::string(roles::admin)}, .summary = "Archives a product", .tag = kTag},
      [this](Call<>& call) { products_.archive(std::string(call.param("id")), call.principal().id); });

  const auto category = categorySchema();
  routes.post("/v1/categories", Contract().body(newCategorySchema()).returns(category),
      {.access = Access::Roles, .roles = kEditors, .summary = "Creates a category", .tag = kTag, .successStatus = 201},
      [this](Call<NewCategory>& call) { return categories_.create(call.body, call.principal().id); });

  routes.patch("/v1/categories/:id", Contract().body(categoryChangesSchema()).returns(category),
      {.access = Access::Roles, .roles = kEditors, .summary = "Updates a category", .tag = kTag},
      [this](Call<CategoryChanges>& call) {
        return categories_.update(std::string(call.param("id")), call.body, call.principal().id);
      });

  routes.del("/v1/categories/:id",
      Contract().query(Schema<ReassignQuery>().field(
          "reassignTo", &ReassignQuery::reassignTo,
          {.minLength = 1, .maxLength = 120, .description = "category (id or slug) that takes the category's products"})),
      {.access = Access::Roles, .roles = kEditors, .summary = "Deletes a category; its products move to reassignTo",
       .tag = kTag},
      [this](Call<None, ReassignQuery>& call) {
        categories_.remove(std::string(call.param("id")), call.query.reassignTo, call.principal().id);
      });
}

void CatalogApi::committed(const std::string& productId) {
  takeAtOnce([&](XapianSearch& engine) {
    if (productId.empty())
      engine.refreshCategories();
    else
      engine.refreshProducts({productId});
  });
}

void CatalogApi::reloaded() {
  takeAtOnce([](XapianSearch& engine) { engine.rebuild(); });
}

void CatalogApi::takeAtOnce(const std::function<void(XapianSearch&)>& change) {
  // The index first: a search the cleared cache sends to it sees the change.
  if (XapianSearch* engine = engine_.load()) {
    try {
      change(*engine);
    } catch (const std::exception& e) {
      // The followed event brings the change a moment later.
      ctx_.logger().warn("the search index could not take a change at once", {{"error", e.what()}});
    }
  }
  cache_.invalidate();
}

SearchResult CatalogApi::search(const SearchQuery& q) {
  if (const XapianSearch* engine = engine_.load()) {
    try {
      return engine->search(q);
    } catch (const SearchEngineError& e) {
      searchFallbacks_->inc();
      ctx_.logger().warn("the search engine failed; answered from the database", {{"error", e.what()}});
    }
  }
  // The database's full-text index: no facets, no spelling suggestions.
  const ProductPage page = ctx_.db().read([&](Tx& tx) { return searchProducts(tx, q); });
  SearchResult r;
  r.dataJson = productsText(page.rows);
  r.meta = {page.page, page.limit, page.total, (page.total + page.limit - 1) / page.limit, false};
  return r;
}

void CatalogApi::applyLevels(const std::vector<inventory::InventoryLevelChanged>& levels, Tx& tx) {
  // The newest level of each variant: a batch may hold several, and one
  // statement may change a row only once.
  std::map<std::string, const inventory::InventoryLevelChanged*> newest;
  for (const auto& level : levels) {
    auto [it, inserted] = newest.try_emplace(level.variantId, &level);
    if (!inserted && it->second->version < level.version) it->second = &level;
  }
  if (newest.empty()) return;
  const long long now =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock().now().time_since_epoch()).count();
  // One statement for the batch; variants that are not ours are left out
  // by the join, and a level older than the one already applied (events of
  // a retry come late) changes nothing.
  Params params{{"now", now}};
  std::string rows;
  std::size_t i = 0;
  for (const auto& [variantId, level] : newest) {
    const std::string n = std::to_string(i++);
    rows += std::string(rows.empty() ? "" : " UNION ALL ") + "SELECT CAST(:id" + n + " AS TEXT) AS id, CAST(:a" + n +
            " AS BIGINT) AS available, CAST(:v" + n + " AS BIGINT) AS version";
    params.emplace_back("id" + n, variantId);
    params.emplace_back("a" + n, level->available);
    params.emplace_back("v" + n, level->version);
  }
  const long long changed = tx.exec(
      "INSERT INTO catalog_availability (variant_id, available, level_version, updated_at) "
      "SELECT l.id, l.available, l.version, :now FROM (" + rows + ") l JOIN catalog_variants v ON v.id = l.id "
      "WHERE true "  // SQLite: an upsert's SELECT needs a WHERE after a join
      "ON CONFLICT (variant_id) DO UPDATE SET available = excluded.available, "
      "level_version = excluded.level_version, updated_at = excluded.updated_at "
      "WHERE catalog_availability.level_version IS NULL OR excluded.level_version IS NULL "
      "OR catalog_availability.level_version < excluded.level_version",
      params);
  if (changed == 0) return;
  tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
  tx.afterCommit([this] { cache_.invalidate(); });
}

}  // namespace agape::catalog
