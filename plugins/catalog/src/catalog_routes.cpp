#include "catalog_routes.h"

#include <stdexcept>

#include <agape/clock.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/problem.h>

#include "list_query.h"
#include "product_reader.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

const std::vector<std::string> kEditors = {"admin", "merchant"};

bool isStaff(const Request& req) {
  return req.principal && (req.principal->hasRole("admin") || req.principal->hasRole("merchant"));
}

std::string actorOf(const Request& req) { return req.principal ? req.principal->id : "system"; }

void refuseQuery(const Request& req, std::initializer_list<std::string_view> allowed) {
  std::vector<FieldError> errors;
  for (const auto& [k, v] : req.queryParams) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    if (!ok) errors.push_back({k, "is not a known parameter"});
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
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

constexpr const char* kProductSchema =
    R"({"type":"object","required":["id","slug","name","price","variants"],"properties":{"id":{"type":"string"},"slug":{"type":"string"},"name":{"type":"string"},"description":{"type":"string"},"category":{"type":"object"},"price":{"type":"integer"},"images":{"type":"array"},"variants":{"type":"array"},"createdAt":{"type":"string"}}})";
constexpr const char* kPageSchema =
    R"({"type":"object","required":["data","meta"],"properties":{"data":{"type":"array"},"meta":{"type":"object"}}})";
const QueryParam kPageParam{.name = "page", .type = "integer", .description = "1-based page number (default 1)"};
const QueryParam kLimitParam{.name = "limit", .type = "integer", .description = "items per page, 1 to 100 (default 20)"};

}  // namespace

CatalogApi::CatalogApi(Context& ctx, const CatalogConfig& config)
    : ctx_(ctx),
      cache_(config.cacheTtl),
      products_(WriteDeps{ctx.db(), ctx.audit(), ctx.events(), ctx.clock(), [this] { cache_.invalidate(); }}),
      categories_(WriteDeps{ctx.db(), ctx.audit(), ctx.events(), ctx.clock(), [this] { cache_.invalidate(); }}) {}

Response CatalogApi::respond(const Request& req, const CachedResponse& r) {
  Response out = matches(req, r.etag) ? Response::withStatus(304) : Response::json(r.body, r.status);
  out.headers.set("ETag", r.etag);
  out.headers.set("Cache-Control", "no-cache");  // clients revalidate with If-None-Match
  return out;
}

void CatalogApi::cachedRoute(Routes& routes, std::string path, std::function<std::string(Request&)> keyOf,
                             std::function<std::string(Request&, Tx&)> render, RouteOptions options) {
  options.fastPath = [this, keyOf](Request& req) -> std::optional<Response> {
    auto hit = cache_.peek(keyOf(req));
    if (!hit) return std::nullopt;
    return respond(req, *hit);
  };
  routes.get(std::move(path), [this, keyOf = std::move(keyOf), render = std::move(render)](Request& req) {
    const auto r = cache_.getOrRender(keyOf(req), [&] {
      std::string body = ctx_.db().read([&](Tx& tx) { return render(req, tx); });
      std::string etag = etagOf(body);
      return CachedResponse{200, std::move(body), std::move(etag)};
    });
    return respond(req, *r);
  }, std::move(options));
}

void CatalogApi::registerRoutes(Routes& routes) {
  cachedRoute(routes, "/v1/products",
      [](Request& req) { return "list|" + normalisedKey(parseListQuery(req)); },
      [](Request& req, Tx& tx) { return listProducts(tx, parseListQuery(req)); },
      {.summary = "Lists active products with filters, sorted and paginated", .tag = "catalog",
       .responseSchema = kPageSchema,
       .query = {{.name = "category", .description = "category id or slug; its subcategories included"},
                 {.name = "minPrice", .type = "integer", .description = "lowest effective variant price, minor units"},
                 {.name = "maxPrice", .type = "integer", .description = "highest effective variant price, minor units"},
                 {.name = "size", .description = "a variant of this size"},
                 {.name = "color", .description = "a variant of this colour (any case)"},
                 {.name = "inStock", .type = "boolean",
                  .description = "true: a variant in stock; false: none (400 while inventory reports nothing)"},
                 {.name = "sort", .description = "newest (default), price, -price or name",
                  .allowed = {"newest", "price", "-price", "name"}},
                 kPageParam, kLimitParam}});

  cachedRoute(routes, "/v1/products/search",
      [](Request& req) { return "search|" + normalisedKey(parseSearchQuery(req)); },
      [](Request& req, Tx& tx) { return searchProducts(tx, parseSearchQuery(req)); },
      {.summary = "Ranked full-text search over name, category and description", .tag = "catalog",
       .responseSchema = kPageSchema,
       .query = {{.name = "q", .description = "the search text, 1 to 200 characters; every word also matches as a prefix",
                  .required = true},
                 kPageParam, kLimitParam}});

  cachedRoute(routes, "/v1/products/categories",
      [](Request& req) {
        refuseQuery(req, {});
        return std::string("categories");
      },
      [](Request&, Tx& tx) { return categoryTree(tx).dump(); },
      {.summary = "The category tree", .tag = "catalog"});

  // Staff and public views of a product are separate entries.
  cachedRoute(routes, "/v1/products/:idOrSlug",
      [](Request& req) {
        refuseQuery(req, {});
        return std::string(isStaff(req) ? "detail-staff|" : "detail|") + std::string(req.requireParam("idOrSlug"));
      },
      [](Request& req, Tx& tx) {
        auto p = productJson(tx, std::string(req.requireParam("idOrSlug")), isStaff(req));
        if (!p) throw Problem::notFound("No product with this id or slug.");
        return *p;
      },
      {.summary = "One product by id or slug", .tag = "catalog", .responseSchema = kProductSchema});

  routes.post("/v1/products", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(
        req, {"name", "slug", "description", "categoryId", "price", "status", "images", "variants"});
    Json product = products_.create(body, actorOf(req));
    Response r = jsonResponse(product, 201);
    r.headers.set("Location", "/v1/products/" + product["id"].get<std::string>());
    return r;
  }, {.access = Access::Roles, .roles = kEditors, .summary = "Creates a product with its variants", .tag = "catalog",
      .responseSchema = kProductSchema, .successStatus = 201});

  routes.patch("/v1/products/:id", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(
        req, {"version", "name", "slug", "description", "categoryId", "price", "status", "images"});
    const bool admin = req.principal && req.principal->hasRole("admin");
    return jsonResponse(products_.update(std::string(req.requireParam("id")), body, actorOf(req), admin));
  }, {.access = Access::Roles, .roles = kEditors, .summary = "Updates a product (version required)", .tag = "catalog",
      .responseSchema = kProductSchema});

  routes.post("/v1/products/:id/variants", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(req, {"version", "sku", "size", "color", "price"});
    return jsonResponse(products_.addVariant(std::string(req.requireParam("id")), body, actorOf(req)), 201);
  }, {.access = Access::Roles, .roles = kEditors, .summary = "Adds a variant to a product (product version required)",
      .tag = "catalog", .responseSchema = kProductSchema, .successStatus = 201});

  routes.patch("/v1/products/:id/variants/:variantId", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(req, {"version", "sku", "size", "color", "price", "status"});
    return jsonResponse(products_.updateVariant(std::string(req.requireParam("id")),
                                                std::string(req.requireParam("variantId")), body, actorOf(req)));
  }, {.access = Access::Roles, .roles = kEditors,
      .summary = "Changes a variant's size, colour or price override, or retires it (status archived)",
      .tag = "catalog", .responseSchema = kProductSchema});

  routes.del("/v1/products/:id", [this](Request& req) {
    refuseQuery(req, {});
    products_.archive(std::string(req.requireParam("id")), actorOf(req));
    return Response::noContent();
  }, {.access = Access::Roles, .roles = {"admin"}, .summary = "Archives a product", .tag = "catalog",
      .successStatus = 204});

  routes.post("/v1/categories", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(req, {"name", "slug", "parentId"});
    return jsonResponse(categories_.create(body, actorOf(req)), 201);
  }, {.access = Access::Roles, .roles = kEditors, .summary = "Creates a category", .tag = "catalog",
      .successStatus = 201});

  routes.patch("/v1/categories/:id", [this](Request& req) {
    refuseQuery(req, {});
    const Json body = parseJsonObject(req, {"name", "slug", "parentId"});
    return jsonResponse(categories_.update(std::string(req.requireParam("id")), body, actorOf(req)));
  }, {.access = Access::Roles, .roles = kEditors, .summary = "Updates a category", .tag = "catalog"});

  routes.del("/v1/categories/:id", [this](Request& req) {
    refuseQuery(req, {"reassignTo"});
    std::optional<std::string> to;
    if (auto v = req.query("reassignTo")) to = std::string(*v);
    categories_.remove(std::string(req.requireParam("id")), to, actorOf(req));
    return Response::noContent();
  }, {.access = Access::Roles, .roles = kEditors,
      .summary = "Deletes a category; its products move to reassignTo", .tag = "catalog", .successStatus = 204,
      .query = {{.name = "reassignTo", .description = "category (id or slug) that takes the category's products"}}});
}

void CatalogApi::applyLevelChanged(const Event& event) {
  const Json p = Json::parse(event.payload, nullptr, false);
  if (p.is_discarded() || !p.is_object() || !p.contains("variantId") || !p["variantId"].is_string() ||
      !p.contains("available") || !(p["available"].is_number_integer() || p["available"].is_null()) ||
      (p.contains("version") && !p["version"].is_number_integer()))
    throw std::invalid_argument("inventory.level_changed " + event.id + ": expected {variantId, available, version}");
  const std::string variantId = p["variantId"].get<std::string>();
  const Value available = p["available"].is_null() ? Value(nullptr) : Value(p["available"].get<long long>());
  const Value version = p.contains("version") ? Value(p["version"].get<long long>()) : Value(nullptr);
  const long long now =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock().now().time_since_epoch()).count();
  ctx_.db().run([&](Tx& tx) {
    if (!tx.one("SELECT 1 AS x FROM catalog_variants WHERE id = :id",
                {{"id", variantId}})) return;  // not ours
    // A level older than the one already applied (events can be delivered
    // out of order) changes nothing.
    const long long n = tx.exec(
        "INSERT INTO catalog_availability (variant_id, available, level_version, updated_at) "
        "VALUES (:id, :available, :version, :now) "
        "ON CONFLICT (variant_id) DO UPDATE SET available = excluded.available, "
        "level_version = excluded.level_version, updated_at = excluded.updated_at "
        "WHERE catalog_availability.level_version IS NULL OR excluded.level_version IS NULL "
        "OR catalog_availability.level_version < excluded.level_version",
        {{"id", variantId}, {"available", available}, {"version", version}, {"now", now}});
    if (n == 0) return;
    tx.exec("UPDATE catalog_cache_version SET version = version + 1 WHERE id = 1");
    tx.afterCommit([this] { cache_.invalidate(); });
  });
}

}  // namespace agape::catalog
