#include "product_reader.h"

#include <functional>
#include <map>
#include <unordered_map>

#include <agape/json_text.h>
#include <agape/problem.h>

#include "text_util.h"

namespace agape::catalog {
namespace {

constexpr const char* kProductColumns =
    "p.id, p.slug, p.name, p.description, p.price, p.images, p.status, p.version, p.created_at, "
    "c.id AS category_id, c.slug AS category_slug, c.name AS category_name";

// ORDER BY clauses from a whitelist only.
std::string orderBy(const std::string& sort) {
  // min_price: the cheapest active variant's effective price (stored, indexed).
  if (sort == "price") return " ORDER BY p.min_price ASC, p.id ASC";
  if (sort == "-price") return " ORDER BY p.min_price DESC, p.id ASC";
  if (sort == "name") return " ORDER BY p.name ASC, p.id ASC";
  return " ORDER BY p.created_at DESC, p.id DESC";
}

// Responses are written straight to text (keys in the order a JSON object
// dump would give them), not built as a document first: a page of twenty
// products is most of a list or search request's own work.
void appendOptionalString(std::string& out, const Row& r, std::string_view column) {
  if (r.isNull(column))
    out += "null";
  else
    appendJsonString(out, r.text(column));
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
  // Images are stored as the JSON array the write validated.
  const std::string images = r.text("images");
  out += R"(,"images":)";
  out += images.size() >= 2 && images.front() == '[' && images.back() == ']' ? std::string_view(images) : "[]";
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

// Product rows with their variants (one query for all) as a JSON array:
// the active variants, and for staff the retired ones too.
std::string renderProducts(Tx& tx, const std::vector<Row>& rows, bool withRetired = false) {
  if (rows.empty()) return "[]";
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.text("id"));
  Params params;
  const auto variants = tx.query(
      "SELECT v.id, v.product_id, v.sku, v.size, v.color, v.status, v.effective_price AS price, a.available "
      "FROM catalog_variants v LEFT JOIN catalog_availability a ON a.variant_id = v.id "
      "WHERE " + std::string(withRetired ? "" : "v.status = 'active' AND ") + "v.product_id IN (" +
          inList(params, "id", ids) + ") ORDER BY v.product_id, v.position, v.sku",
      params);
  std::unordered_map<std::string, std::string> byProduct;  // product id -> JSON array text
  for (const auto& v : variants) {
    std::string& list = byProduct[v.text("product_id")];
    list += list.empty() ? "[" : ",";
    list += R"({"available":)";
    const auto available = v.optInteger("available");
    list += available ? std::to_string(*available) : std::string("null");
    list += R"(,"color":)";
    appendOptionalString(list, v, "color");
    list += R"(,"id":)";
    appendJsonString(list, v.text("id"));
    list += R"(,"price":)";
    list += std::to_string(v.integer("price"));
    list += R"(,"size":)";
    appendOptionalString(list, v, "size");
    list += R"(,"sku":)";
    appendJsonString(list, v.text("sku"));
    list += R"(,"status":)";
    appendJsonString(list, v.text("status"));
    list += '}';
  }
  std::string out;
  out.reserve(1024 * rows.size());
  out += '[';
  for (const auto& r : rows) {
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

std::string page(std::string data, const ListQuery& q, long long total) {
  const long long pages = (total + q.limit - 1) / q.limit;
  std::string out = R"({"data":)";
  out += data;
  out += R"(,"meta":{"limit":)" + std::to_string(q.limit) + R"(,"page":)" + std::to_string(q.page) +
         R"(,"total":)" + std::to_string(total) + R"(,"totalPages":)" + std::to_string(pages) + "}}";
  return out;
}

}  // namespace

std::vector<CategoryRow> loadCategories(Tx& tx) {
  std::vector<CategoryRow> out;
  for (const auto& r : tx.query("SELECT id, slug, name, parent_id FROM catalog_categories ORDER BY name, id"))
    out.push_back({r.text("id"), r.text("slug"), r.text("name"), r.optText("parent_id")});
  return out;
}

std::vector<std::string> categoryAndDescendants(const std::vector<CategoryRow>& all, const std::string& idOrSlug) {
  std::vector<std::string> out;
  for (const auto& c : all)
    if (c.id == idOrSlug || c.slug == idOrSlug) out.push_back(c.id);
  // Breadth-first over parent links; the tree is small and cycles are refused on write.
  for (std::size_t i = 0; i < out.size() && out.size() <= all.size(); ++i)
    for (const auto& c : all)
      if (c.parentId && *c.parentId == out[i]) out.push_back(c.id);
  return out;
}

bool availabilityKnown(Tx& tx) {
  return tx.one("SELECT 1 AS x FROM catalog_availability WHERE available IS NOT NULL LIMIT 1").has_value();
}

std::string listProducts(Tx& tx, const ListQuery& q) {
  if (q.inStock && !availabilityKnown(tx))
    throw Problem::validation({{"inStock", "availability is not known: inventory is not reporting stock"}});
  std::string where = " WHERE p.status = 'active'";
  Params params;
  if (q.category) {
    const auto ids = categoryAndDescendants(loadCategories(tx), *q.category);
    if (ids.empty()) return page("[]", q, 0);
    where += " AND p.category_id IN (" + inList(params, "cat", ids) + ")";
  }
  // Every variant condition applies to the same variant: "a red one in M".
  std::string variantCond;
  if (q.minPrice) {
    variantCond += " AND v.effective_price >= :minPrice";
    params.emplace_back("minPrice", *q.minPrice);
  }
  if (q.maxPrice) {
    variantCond += " AND v.effective_price <= :maxPrice";
    params.emplace_back("maxPrice", *q.maxPrice);
  }
  if (q.size) {
    variantCond += " AND v.size = :size";
    params.emplace_back("size", *q.size);
  }
  if (q.color) {
    variantCond += " AND LOWER(v.color) = LOWER(:color)";
    params.emplace_back("color", *q.color);
  }
  if (q.inStock && *q.inStock)
    variantCond += " AND EXISTS (SELECT 1 FROM catalog_availability a WHERE a.variant_id = v.id AND a.available > 0)";
  if (!variantCond.empty())
    where += std::string(" AND EXISTS (SELECT 1 FROM catalog_variants v WHERE v.product_id = p.id AND v.status = 'active'") +
             variantCond + ")";
  if (q.inStock && !*q.inStock)
    where += " AND NOT EXISTS (SELECT 1 FROM catalog_variants v3 JOIN catalog_availability a3 ON a3.variant_id = v3.id "
             "WHERE v3.product_id = p.id AND v3.status = 'active' AND a3.available > 0)";

  const long long total = tx.one("SELECT COUNT(*) AS n FROM catalog_products p" + where, params)->integer("n");
  Params pageParams = params;
  pageParams.emplace_back("limit", static_cast<long long>(q.limit));
  pageParams.emplace_back("offset", static_cast<long long>(q.page - 1) * q.limit);
  const auto rows = tx.query(std::string("SELECT ") + kProductColumns +
                                 " FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id" + where +
                                 orderBy(q.sort) + " LIMIT :limit OFFSET :offset",
                             pageParams);
  return page(renderProducts(tx, rows), q, total);
}

std::string searchProducts(Tx& tx, const ListQuery& q) {
  const auto terms = searchTerms(q.q);
  if (terms.empty()) return page("[]", q, 0);
  const long long limit = q.limit, offset = static_cast<long long>(q.page - 1) * q.limit;
  std::vector<Row> rows;
  long long total = 0;
  if (tx.dialect() == Dialect::Sqlite) {
    // Each term as a quoted prefix: "sneak" finds "sneakers"; quoting keeps
    // FTS5 syntax out of user input. Weights: name 10, category 5, description 1.
    std::string match;
    for (const auto& t : terms)
      match += (match.empty() ? "\"" : " \"") + t + (t.size() >= kMinPrefixLength ? "\"*" : "\"");
    // The index holds active products only: count (a window over the
    // matches) and rank inside it, then join the one page of products.
    // (bm25 cannot sit in the same SELECT as a window function.)
    rows = tx.query(std::string("SELECT ") + kProductColumns +
                        ", s.total FROM (SELECT product_id, score, COUNT(*) OVER () AS total FROM "
                        "(SELECT product_id, bm25(catalog_search, 0.0, 10.0, 5.0, 1.0) AS score FROM catalog_search "
                        "WHERE catalog_search MATCH :match) ORDER BY score, product_id LIMIT :limit OFFSET :offset) s "
                        "JOIN catalog_products p ON p.id = s.product_id "
                        "JOIN catalog_categories c ON c.id = p.category_id ORDER BY s.score, p.id",
                    {{"match", match}, {"limit", limit}, {"offset", offset}});
    if (!rows.empty())
      total = rows.front().integer("total");
    else if (offset > 0)  // a page past the end: count on its own
      total = tx.one("SELECT COUNT(*) AS n FROM catalog_search WHERE catalog_search MATCH :match",
                     {{"match", match}})
                  ->integer("n");
  } else {
    // websearch_to_tsquery for the text as typed (quoted phrases, "or",
    // -exclusions; it accepts any input), or every word as a prefix
    // ("sneak:*", stemmed like the index), as one tsquery: the GIN index
    // answers it with one bitmap scan of the narrow index of active
    // products, and only the matches are read and ranked. The tsquery is
    // made once (MATERIALIZED), not per row, whatever plan is cached. The
    // count is its own statement: a window over the matches would copy them
    // all into a tuple store. Ties are broken by id in byte order.
    std::string prefix;
    for (const auto& t : terms) prefix += (prefix.empty() ? "" : " & ") + t + (t.size() >= kMinPrefixLength ? ":*" : "");
    const std::string matches =
        "WITH m AS MATERIALIZED (SELECT websearch_to_tsquery('english', :q) || to_tsquery('english', :prefix) AS q) ";
    const Params matchParams{{"q", q.q}, {"prefix", prefix}};
    Params pageParams = matchParams;
    pageParams.emplace_back("limit", limit);
    pageParams.emplace_back("offset", offset);
    rows = tx.query(matches +
                        ", top AS (SELECT s.product_id AS id, ts_rank(s.search, m.q) AS rank FROM m, "
                        "catalog_search_index s WHERE s.search @@ m.q ORDER BY rank DESC, s.product_id COLLATE \"C\" "
                        "LIMIT :limit OFFSET :offset) SELECT " + kProductColumns +
                        " FROM top JOIN catalog_products p ON p.id = top.id "
                        "JOIN catalog_categories c ON c.id = p.category_id ORDER BY top.rank DESC, p.id COLLATE \"C\"",
                    pageParams);
    // A page that is neither full nor past the end holds the last matches.
    if (!rows.empty() && static_cast<long long>(rows.size()) < limit)
      total = offset + static_cast<long long>(rows.size());
    else if (!rows.empty() || offset > 0)
      total = tx.one(matches + "SELECT COUNT(*) AS n FROM m, catalog_search_index s WHERE s.search @@ m.q",
                     matchParams)
                  ->integer("n");
  }
  return page(renderProducts(tx, rows), q, total);
}

std::optional<std::string> productJson(Tx& tx, const std::string& idOrSlug, bool staff) {
  auto rows = tx.query(std::string("SELECT ") + kProductColumns +
                           " FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id "
                           "WHERE p.id = :key OR p.slug = :key",
                       {{"key", idOrSlug}});
  if (rows.empty()) return std::nullopt;
  if (!staff && rows.front().text("status") != "active") return std::nullopt;
  std::string array = renderProducts(tx, {rows.front()}, staff);
  return array.substr(1, array.size() - 2);  // the one element
}

std::optional<Json> productByIdOrSlug(Tx& tx, const std::string& idOrSlug, bool staff) {
  auto text = productJson(tx, idOrSlug, staff);
  if (!text) return std::nullopt;
  return Json::parse(*text);
}

Json categoryTree(Tx& tx) {
  const auto all = loadCategories(tx);
  std::map<std::string, std::vector<const CategoryRow*>> children;
  for (const auto& c : all) children[c.parentId.value_or("")].push_back(&c);
  std::function<Json(const std::string&, int)> build = [&](const std::string& parent, int depth) {
    Json out = Json::array();
    if (depth > 32) return out;  // guards against a cycle written around the API
    for (const auto* c : children[parent])
      out.push_back({{"id", c->id}, {"slug", c->slug}, {"name", c->name},
                     {"parentId", c->parentId ? Json(*c->parentId) : Json()}, {"children", build(c->id, depth + 1)}});
    return out;
  };
  return Json{{"data", build("", 0)}};
}

}  // namespace agape::catalog
