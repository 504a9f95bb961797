#include "product_reader.h"

#include <functional>
#include <map>
#include <unordered_map>

#include <agape/problem.h>

#include "text_util.h"

namespace agape::catalog {
namespace {

// ORDER BY clauses from a whitelist only.
std::string orderBy(const std::string& sort) {
  // min_price: the cheapest active variant's effective price (stored, indexed).
  if (sort == "price") return " ORDER BY p.min_price ASC, p.id ASC";
  if (sort == "-price") return " ORDER BY p.min_price DESC, p.id ASC";
  if (sort == "name") return " ORDER BY p.name ASC, p.id ASC";
  return " ORDER BY p.created_at DESC, p.id DESC";
}

// A page's products with their variants (one query for all): the active
// variants, and for staff the retired ones too.
ProductRows withVariants(Tx& tx, std::vector<Row> products, bool withRetired = false) {
  ProductRows out{std::move(products), {}};
  if (out.products.empty()) return out;
  std::vector<std::string> ids;
  for (const auto& r : out.products) ids.push_back(r.text("id"));
  Params params;
  out.variants = tx.query(std::string("SELECT ") + kVariantColumns +
                              " FROM catalog_variants v LEFT JOIN catalog_availability a ON a.variant_id = v.id "
                              "WHERE " + (withRetired ? "" : "v.status = 'active' AND ") + "v.product_id IN (" +
                              inList(params, "id", ids) + ") ORDER BY v.product_id, v.position, v.sku",
                          params);
  return out;
}

ProductPage emptyPage(const ListQuery& q) { return {{}, q.page, q.limit, 0}; }

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

namespace {

// The WHERE clause of the list's filters (the search's too), its values
// added to `params`; nullopt for a category that does not exist.
std::optional<std::string> filterWhere(Tx& tx, const ListQuery& q, Params& params) {
  if (q.inStock && !availabilityKnown(tx))
    throw Problem::validation({{"inStock", "availability is not known: inventory is not reporting stock"}});
  std::string where = " WHERE p.status = 'active'";
  if (q.category) {
    const auto ids = categoryAndDescendants(loadCategories(tx), *q.category);
    if (ids.empty()) return std::nullopt;
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
  return where;
}

bool filtered(const ListQuery& q) {
  return q.category || q.minPrice || q.maxPrice || q.size || q.color || q.inStock;
}

// The SQLite FTS5 query: each term a quoted prefix ("sneak"*), so no FTS5
// syntax passes through from the client; one letter matches whole.
std::string ftsMatch(const std::vector<std::string>& terms) {
  std::string match;
  for (const auto& t : terms)
    match += (match.empty() ? "\"" : " \"") + t + (t.size() >= kMinPrefixLength ? "\"*" : "\"");
  return match;
}

// The PostgreSQL tsquery: the text as typed (websearch_to_tsquery) or every
// word as a prefix ("sneak:*"), made once per statement.
std::string tsPrefix(const std::vector<std::string>& terms) {
  std::string prefix;
  for (const auto& t : terms) prefix += (prefix.empty() ? "" : " & ") + t + (t.size() >= kMinPrefixLength ? ":*" : "");
  return prefix;
}
constexpr const char* kTsQuery =
    "WITH m AS MATERIALIZED (SELECT websearch_to_tsquery('english', :q) || to_tsquery('english', :prefix) AS q) ";

// A search with the list's filters or another sort than relevance: the
// matches joined to the filtered products.
ProductPage searchFiltered(Tx& tx, const ListQuery& q, const std::vector<std::string>& terms) {
  Params params;
  const auto where = filterWhere(tx, q, params);
  if (!where) return {{}, q.page, q.limit, 0};
  std::string with, matches, relevance;
  if (tx.dialect() == Dialect::Sqlite) {
    matches = "(SELECT product_id, bm25(catalog_search, 0.0, 10.0, 5.0, 1.0) AS score FROM catalog_search "
              "WHERE catalog_search MATCH :match)";
    relevance = " ORDER BY s.score, p.id";
    params.emplace_back("match", ftsMatch(terms));
  } else {
    with = kTsQuery;
    matches = "(SELECT i.product_id, ts_rank(i.search, m.q) AS score FROM m, catalog_search_index i "
              "WHERE i.search @@ m.q)";
    relevance = " ORDER BY s.score DESC, p.id COLLATE \"C\"";
    params.emplace_back("q", q.q);
    params.emplace_back("prefix", tsPrefix(terms));
  }
  const std::string from = " FROM catalog_products p JOIN " + matches + " s ON s.product_id = p.id";
  const long long total = tx.one(with + "SELECT COUNT(*) AS n" + from + *where, params)->integer("n");
  params.emplace_back("limit", static_cast<long long>(q.limit));
  params.emplace_back("offset", static_cast<long long>(q.page - 1) * q.limit);
  const auto rows = tx.query(with + "SELECT " + kProductColumns + from +
                                 " JOIN catalog_categories c ON c.id = p.category_id" + *where +
                                 (q.sort == "relevance" ? relevance : orderBy(q.sort)) + " LIMIT :limit OFFSET :offset",
                             params);
  return {withVariants(tx, std::move(rows)), q.page, q.limit, total};
}

}  // namespace

ProductPage listProducts(Tx& tx, const ListQuery& q) {
  Params params;
  const auto where = filterWhere(tx, q, params);
  if (!where) return emptyPage(q);
  const long long total = tx.one("SELECT COUNT(*) AS n FROM catalog_products p" + *where, params)->integer("n");
  Params pageParams = params;
  pageParams.emplace_back("limit", static_cast<long long>(q.limit));
  pageParams.emplace_back("offset", static_cast<long long>(q.page - 1) * q.limit);
  const auto rows = tx.query(std::string("SELECT ") + kProductColumns +
                                 " FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id" + *where +
                                 orderBy(q.sort) + " LIMIT :limit OFFSET :offset",
                             pageParams);
  return {withVariants(tx, std::move(rows)), q.page, q.limit, total};
}

ProductPage searchProducts(Tx& tx, const ListQuery& q) {
  const auto terms = searchTerms(q.q);
  if (terms.empty()) return emptyPage(q);
  if (filtered(q) || (q.sort != "relevance" && !q.sort.empty())) return searchFiltered(tx, q, terms);
  const long long limit = q.limit, offset = static_cast<long long>(q.page - 1) * q.limit;
  std::vector<Row> rows;
  long long total = 0;
  if (tx.dialect() == Dialect::Sqlite) {
    // Weights: name 10, category 5, description 1.
    const std::string match = ftsMatch(terms);
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
    const std::string matches = kTsQuery;
    const Params matchParams{{"q", q.q}, {"prefix", tsPrefix(terms)}};
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
  return {withVariants(tx, std::move(rows)), q.page, q.limit, total};
}

std::optional<ProductRows> productRows(Tx& tx, const std::string& idOrSlug, bool staff) {
  auto rows = tx.query(std::string("SELECT ") + kProductColumns +
                           " FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id "
                           "WHERE p.id = :key OR p.slug = :key",
                       {{"key", idOrSlug}});
  if (rows.empty()) return std::nullopt;
  if (!staff && rows.front().text("status") != "active") return std::nullopt;
  rows.erase(rows.begin() + 1, rows.end());
  return withVariants(tx, std::move(rows), staff);
}

std::optional<ProductView> productView(Tx& tx, const std::string& idOrSlug, bool staff) {
  auto rows = productRows(tx, idOrSlug, staff);
  if (!rows) return std::nullopt;
  return std::move(productViews(*rows).front());
}

std::string pageText(const ProductPage& p) {
  const long long pages = (p.total + p.limit - 1) / p.limit;
  std::string out = R"({"data":)";
  out += productsText(p.rows);
  out += R"(,"meta":{"page":)" + std::to_string(p.page) + R"(,"limit":)" + std::to_string(p.limit) +
         R"(,"total":)" + std::to_string(p.total) + R"(,"totalPages":)" + std::to_string(pages) + "}}";
  return out;
}

Page<ProductView> pageOf(const ProductPage& p) { return {productViews(p.rows), p.page, p.limit, p.total}; }

CategoryTree categoryTree(Tx& tx) {
  static const auto nodeSchema = categoryNodeSchema();
  const auto all = loadCategories(tx);
  std::map<std::string, std::vector<const CategoryRow*>> children;
  for (const auto& c : all) children[c.parentId.value_or("")].push_back(&c);
  std::function<std::vector<CategoryNode>(const std::string&, int)> build = [&](const std::string& parent, int depth) {
    std::vector<CategoryNode> out;
    if (depth > 32) return out;  // guards against a cycle written around the API
    for (const auto* c : children[parent]) {
      CategoryNode node;
      static_cast<CategoryView&>(node) = {c->id, c->name, c->parentId, c->slug};
      node.children.text = "[";
      for (const auto& child : build(c->id, depth + 1)) {
        if (node.children.text.size() > 1) node.children.text += ',';
        node.children.text += nodeSchema.encode(child);
      }
      node.children.text += ']';
      out.push_back(std::move(node));
    }
    return out;
  };
  return {build("", 0)};
}

}  // namespace agape::catalog
