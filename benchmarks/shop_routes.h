#pragma once
// A route table shaped like the HTTP API of a shop (kernel operations routes,
// hello, auth, catalogue, inventory, carts, orders, payments, admin): about
// sixty routes, mostly under /v1, with static and parameter segments mixed
// the way real plugins declare them. Shared by the router and pipeline
// benchmarks.

#include <string>
#include <utility>
#include <vector>

#include "agape/http.h"
#include "http/router.h"

namespace agape::bench {

struct RouteSpec {
  Method method;
  const char* path;
  const char* plugin;
};

inline const std::vector<RouteSpec>& shopRouteSpecs() {
  static const std::vector<RouteSpec> specs = {
      {Method::Get, "/healthz", "kernel"},
      {Method::Get, "/readyz", "kernel"},
      {Method::Get, "/metrics", "kernel"},
      {Method::Get, "/openapi.json", "kernel"},
      {Method::Get, "/v1/hello/:name", "hello"},
      {Method::Post, "/v1/auth/register", "auth"},
      {Method::Post, "/v1/auth/login", "auth"},
      {Method::Post, "/v1/auth/logout", "auth"},
      {Method::Post, "/v1/auth/refresh", "auth"},
      {Method::Get, "/v1/me", "auth"},
      {Method::Patch, "/v1/me", "auth"},
      {Method::Post, "/v1/me/password", "auth"},
      {Method::Get, "/v1/me/addresses", "auth"},
      {Method::Post, "/v1/me/addresses", "auth"},
      {Method::Patch, "/v1/me/addresses/:id", "auth"},
      {Method::Delete, "/v1/me/addresses/:id", "auth"},
      {Method::Get, "/v1/products", "catalog"},
      {Method::Post, "/v1/products", "catalog"},
      {Method::Get, "/v1/products/:id", "catalog"},
      {Method::Patch, "/v1/products/:id", "catalog"},
      {Method::Delete, "/v1/products/:id", "catalog"},
      {Method::Get, "/v1/products/:id/variants", "catalog"},
      {Method::Post, "/v1/products/:id/variants", "catalog"},
      {Method::Patch, "/v1/products/:id/variants/:variantId", "catalog"},
      {Method::Delete, "/v1/products/:id/variants/:variantId", "catalog"},
      {Method::Get, "/v1/products/:id/images", "catalog"},
      {Method::Post, "/v1/products/:id/images", "catalog"},
      {Method::Delete, "/v1/products/:id/images/:imageId", "catalog"},
      {Method::Get, "/v1/products/:id/reviews", "reviews"},
      {Method::Post, "/v1/products/:id/reviews", "reviews"},
      {Method::Get, "/v1/categories", "catalog"},
      {Method::Post, "/v1/categories", "catalog"},
      {Method::Get, "/v1/categories/:slug", "catalog"},
      {Method::Patch, "/v1/categories/:slug", "catalog"},
      {Method::Delete, "/v1/categories/:slug", "catalog"},
      {Method::Get, "/v1/categories/:slug/products", "catalog"},
      {Method::Get, "/v1/search", "catalog"},
      {Method::Get, "/v1/inventory/:sku", "inventory"},
      {Method::Put, "/v1/inventory/:sku", "inventory"},
      {Method::Post, "/v1/inventory/:sku/adjustments", "inventory"},
      {Method::Post, "/v1/carts", "cart"},
      {Method::Get, "/v1/carts/:cartId", "cart"},
      {Method::Delete, "/v1/carts/:cartId", "cart"},
      {Method::Post, "/v1/carts/:cartId/items", "cart"},
      {Method::Patch, "/v1/carts/:cartId/items/:itemId", "cart"},
      {Method::Delete, "/v1/carts/:cartId/items/:itemId", "cart"},
      {Method::Post, "/v1/carts/:cartId/coupons", "cart"},
      {Method::Delete, "/v1/carts/:cartId/coupons/:code", "cart"},
      {Method::Post, "/v1/orders", "orders"},
      {Method::Get, "/v1/orders", "orders"},
      {Method::Get, "/v1/orders/:id", "orders"},
      {Method::Post, "/v1/orders/:id/cancel", "orders"},
      {Method::Get, "/v1/orders/:id/items", "orders"},
      {Method::Get, "/v1/orders/:id/shipments", "shipping"},
      {Method::Post, "/v1/orders/:id/shipments", "shipping"},
      {Method::Get, "/v1/orders/:id/shipments/:shipmentId/events", "shipping"},
      {Method::Post, "/v1/payments/webhooks/paystack", "payments"},
      {Method::Post, "/v1/payments/webhooks/flutterwave", "payments"},
      {Method::Post, "/v1/payments/:reference/initialize", "payments"},
      {Method::Get, "/v1/payments/:reference/verify", "payments"},
      {Method::Post, "/v1/payments/:reference/refunds", "payments"},
      {Method::Get, "/v1/admin/orders", "admin"},
      {Method::Patch, "/v1/admin/orders/:id/status", "admin"},
      {Method::Get, "/v1/admin/users", "admin"},
      {Method::Patch, "/v1/admin/users/:id/roles", "admin"},
      {Method::Get, "/v1/admin/reports/sales", "admin"},
  };
  return specs;
}

// A route whose handler and options replace the default ones.
struct RouteOverride {
  Method method;
  std::string path;
  Handler handler;
  RouteOptions options;
};

// Every route answers with a tiny JSON body unless overridden.
inline kernel::Router buildShopRouter(const std::vector<RouteOverride>& overrides = {}) {
  kernel::RouteTable table;
  for (const auto& spec : shopRouteSpecs()) {
    kernel::Route r;
    r.method = spec.method;
    r.pathTemplate = spec.path;
    r.pluginId = spec.plugin;
    r.handler = [](Request&) { return Response::json(R"({"ok":true})"); };
    for (const auto& o : overrides) {
      if (o.method == spec.method && o.path == spec.path) {
        r.handler = o.handler;
        r.options = o.options;
      }
    }
    table.add(std::move(r));
  }
  return std::move(table).freeze();
}

}  // namespace agape::bench
