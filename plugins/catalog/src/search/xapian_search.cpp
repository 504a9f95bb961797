#include "search/xapian_search.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <agape/problem.h>

#include "product_reader.h"
#include "product_view.h"
#include "text_util.h"

namespace agape::catalog {
namespace {

// Document values (sort keys).
constexpr Xapian::valueno kPriceSlot = 0;   // the cheapest active variant's price
constexpr Xapian::valueno kNewestSlot = 1;  // created_at
// Within-document frequency per word, by field: name > category > colour > description.
constexpr Xapian::termcount kNameWeight = 6, kCategoryWeight = 3, kColorWeight = 2, kDescriptionWeight = 1;
// Possible matches past which words are not ranked (see run()).
constexpr Xapian::doccount kBroadText = 5000;
// Matches counted exactly before the total becomes an estimate.
constexpr Xapian::doccount kExactTotal = 1000;
// Terms a last word typed in part may stand for (the most frequent).
constexpr Xapian::termcount kPrefixExpansion = 40;
constexpr std::size_t kLoadChunk = 2000;
const char* const kCategoryTerm = "XC";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The hyphenated words of a text, joined and in lower case:
// "Isi-Agu Aso-Oke Set" -> {"isiagu", "asooke"}.
std::vector<std::string> joinedHyphenations(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  bool hyphenated = false;
  const auto flush = [&] {
    if (hyphenated && !word.empty()) out.push_back(word);
    word.clear();
    hyphenated = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (c == '-' && !word.empty() && i + 1 < text.size() &&
               std::isalnum(static_cast<unsigned char>(text[i + 1]))) {
      hyphenated = true;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

struct VariantFacts {
  std::string id;
  std::optional<std::string> size, color;
  std::string colorKey;  // lower case: the filter ignores case
  long long price = 0;
  std::optional<long long> available, levelVersion;
};

// One active product as the engine keeps it: what the filters and facets
// read, and its JSON as the API shows it (rewritten when its stock moves).
struct ProductDoc {
  std::string id, categoryId;
  long long createdAt = 0, minPrice = 0;
  std::vector<VariantFacts> variants;  // active ones, in the order the JSON lists them
  std::string json;
  // Where each variant's "available" value sits in `json`: [first, last).
  std::vector<std::pair<std::size_t, std::size_t>> availableAt;

  bool anyInStock() const {
    return std::any_of(variants.begin(), variants.end(),
                       [](const auto& v) { return v.available.value_or(0) > 0; });
  }
};
using DocPtr = std::shared_ptr<const ProductDoc>;

// A product read from the database, with the text it is indexed by (kept
// only while it is indexed).
struct LoadedProduct {
  DocPtr doc;
  std::string name, description, categoryName;
};

LoadedProduct makeDoc(const Row& p, const std::vector<Row>& variants) {
  auto d = std::make_shared<ProductDoc>();
  d->id = p.text("id");
  d->categoryId = p.text("category_id");
  d->createdAt = p.integer("created_at");
  d->minPrice = p.optInteger("min_price").value_or(p.integer("price"));
  for (const Row& v : variants) {
    VariantFacts f{.id = v.text("id"), .size = v.optText("size"), .color = v.optText("color")};
    f.colorKey = lower(f.color.value_or(""));
    f.price = v.integer("price");
    f.available = v.optInteger("available");
    f.levelVersion = v.optInteger("level_version");
    d->variants.push_back(std::move(f));
  }
  const std::string array = productsText(ProductRows{{p}, variants});
  d->json = array.substr(1, array.size() - 2);
  // Each variant object opens with its "available" (fields in name order);
  // inside a JSON string the quotes would be escaped, so this finds only them.
  constexpr std::string_view kOpen = R"({"available":)";
  for (std::size_t at = d->json.find(kOpen); at != std::string::npos; at = d->json.find(kOpen, at + 1)) {
    const std::size_t first = at + kOpen.size();
    d->availableAt.emplace_back(first, d->json.find(',', first));
  }
  return {std::move(d), p.text("name"), p.text("description"), p.text("category_name")};
}

// The same product with one variant's stock changed.
DocPtr withLevel(const ProductDoc& was, std::size_t variant, long long available, long long version) {
  auto d = std::make_shared<ProductDoc>(was);
  d->variants[variant].available = available;
  d->variants[variant].levelVersion = version;
  if (variant < d->availableAt.size()) {
    const auto [first, last] = d->availableAt[variant];
    const std::string value = std::to_string(available);
    d->json.replace(first, last - first, value);
    const auto shift = static_cast<std::ptrdiff_t>(value.size()) - static_cast<std::ptrdiff_t>(last - first);
    d->availableAt[variant].second = first + value.size();
    for (std::size_t i = variant + 1; i < d->availableAt.size(); ++i) {
      d->availableAt[i].first =
          static_cast<std::size_t>(static_cast<std::ptrdiff_t>(d->availableAt[i].first) + shift);
      d->availableAt[i].second =
          static_cast<std::size_t>(static_cast<std::ptrdiff_t>(d->availableAt[i].second) + shift);
    }
  }
  return d;
}

struct CategoryInfo {
  std::string id, slug, name;
  std::vector<std::string> path;  // itself and every category above it
};

// Documents are numbered down from here as products are added, so that
// Xapian's docid order (its order among equals, and the order in which it
// meets matches) is the most recently added first.
constexpr Xapian::docid kFirstDoc = 4'000'000'000U;
Xapian::docid docidOf(std::size_t slot) { return kFirstDoc - static_cast<Xapian::docid>(slot); }

// What readers see: immutable, replaced whole by the writer.
struct Snapshot {
  std::vector<DocPtr> byDoc;  // by slot: kFirstDoc - the Xapian document id
  std::unordered_map<std::string, std::shared_ptr<const CategoryInfo>> categories;  // by id and by slug
  bool availabilityKnown = false;
  unsigned long long revision = 0;  // Xapian commits so far

  // The product of a document this snapshot holds, else nullptr.
  const ProductDoc* at(Xapian::docid id) const {
    if (id == 0 || id > kFirstDoc) return nullptr;
    const std::size_t slot = kFirstDoc - id;
    return slot < byDoc.size() ? byDoc[slot].get() : nullptr;
  }
};

std::unordered_map<std::string, std::shared_ptr<const CategoryInfo>> categoryMap(
    const std::vector<CategoryRow>& rows) {
  std::unordered_map<std::string, const CategoryRow*> byId;
  for (const auto& c : rows) byId[c.id] = &c;
  std::unordered_map<std::string, std::shared_ptr<const CategoryInfo>> out;
  for (const auto& c : rows) {
    auto info = std::make_shared<CategoryInfo>(CategoryInfo{c.id, c.slug, c.name, {c.id}});
    const CategoryRow* at = &c;
    // Writes refuse cycles; the bound guards anyway.
    for (int depth = 0; at->parentId && depth < 32; ++depth) {
      auto it = byId.find(*at->parentId);
      if (it == byId.end()) break;
      at = it->second;
      info->path.push_back(at->id);
    }
    out[c.id] = info;
    out[c.slug] = info;
  }
  return out;
}

// The variant conditions of a query; all must hold for one variant.
struct VariantConditions {
  std::optional<long long> minPrice, maxPrice;
  std::optional<std::string> size, colorKey;
  std::optional<bool> inStock;

  explicit VariantConditions(const ListQuery& q)
      : minPrice(q.minPrice), maxPrice(q.maxPrice), size(q.size), inStock(q.inStock) {
    if (q.color) colorKey = lower(*q.color);
  }
  bool accepts(const ProductDoc& d) const {
    if (inStock && !*inStock && d.anyInStock()) return false;
    if (!minPrice && !maxPrice && !size && !colorKey && !(inStock && *inStock)) return true;
    for (const auto& v : d.variants) {
      if (minPrice && v.price < *minPrice) continue;
      if (maxPrice && v.price > *maxPrice) continue;
      if (size && v.size != *size) continue;
      if (colorKey && v.colorKey != *colorKey) continue;
      if (inStock && *inStock && v.available.value_or(0) <= 0) continue;
      return true;
    }
    return false;
  }
};

// Inside the match: a document the snapshot does not hold (committed to
// the index a moment before the snapshot that describes it) or whose
// variants fail the conditions is no match.
class VariantDecider final : public Xapian::MatchDecider {
 public:
  VariantDecider(const Snapshot& snap, const VariantConditions& conditions)
      : snap_(snap), conditions_(conditions) {}
  bool operator()(const Xapian::Document& doc) const override {
    const ProductDoc* d = snap_.at(doc.get_docid());
    return d && conditions_.accepts(*d);
  }

 private:
  const Snapshot& snap_;
  const VariantConditions& conditions_;
};

// Counts every match (after the decider) by the facets asked for.
class FacetCounter final : public Xapian::MatchSpy {
 public:
  FacetCounter(const Snapshot& snap, const std::vector<std::string>& asked) : snap_(snap) {
    for (const auto& name : asked) {
      if (name == "category") category_ = true;
      if (name == "size") size_ = true;
      if (name == "color") color_ = true;
      if (name == "price") price_ = true;
      if (name == "inStock") inStock_ = true;
    }
  }
  void operator()(const Xapian::Document& doc, double) override {
    const ProductDoc* found = snap_.at(doc.get_docid());
    if (!found) return;
    const ProductDoc& d = *found;
    if (category_) ++categories_[d.categoryId];
    if (inStock_) ++(d.anyInStock() ? inStockCount_ : outOfStockCount_);
    // Each value once per product: a variant counts unless one before it had it.
    for (auto v = d.variants.begin(); v != d.variants.end(); ++v) {
      const auto before = [&](auto same) { return std::any_of(d.variants.begin(), v, same); };
      if (size_ && v->size && !before([&](const auto& w) { return w.size == v->size; })) ++sizes_[*v->size];
      if (color_ && v->color &&
          !before([&](const auto& w) { return w.color && w.colorKey == v->colorKey; })) {
        auto& [label, n] = colors_[v->colorKey];
        if (label.empty()) label = *v->color;
        ++n;
      }
    }
    if (price_) {
      const auto& bands = priceBands();
      bandCounts_.resize(bands.size());
      for (std::size_t b = 0; b < bands.size(); ++b)
        if (std::any_of(d.variants.begin(), d.variants.end(), [&](const auto& v) {
              return v.price >= bands[b].from && (!bands[b].to || v.price < *bands[b].to);
            }))
          ++bandCounts_[b];
    }
  }

  SearchFacets result() const {
    SearchFacets f;
    const auto ordered = [](std::vector<FacetValue> values) {
      std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
      });
      return values;
    };
    if (category_) {
      std::vector<FacetValue> values;
      for (const auto& [id, n] : categories_) {
        auto it = snap_.categories.find(id);
        if (it != snap_.categories.end()) values.push_back({it->second->slug, it->second->name, n});
      }
      f.category = ordered(std::move(values));
    }
    if (size_) {
      std::vector<FacetValue> values;
      for (const auto& [size, n] : sizes_) values.push_back({size, size, n});
      f.size = ordered(std::move(values));
    }
    if (color_) {
      std::vector<FacetValue> values;
      for (const auto& [key, labelled] : colors_)
        values.push_back({labelled.first, labelled.first, labelled.second});
      f.color = ordered(std::move(values));
    }
    if (price_) {  // in band order, the empty ones too: a price scale reads better whole
      std::vector<FacetValue> values;
      const auto& bands = priceBands();
      for (std::size_t b = 0; b < bands.size(); ++b)
        values.push_back({priceBandValue(bands[b]), priceBandLabel(bands[b]),
                          b < bandCounts_.size() ? bandCounts_[b] : 0});
      f.price = std::move(values);
    }
    if (inStock_) {
      std::vector<FacetValue> values;
      if (snap_.availabilityKnown)
        values = {{"true", "in stock", inStockCount_}, {"false", "out of stock", outOfStockCount_}};
      f.inStock = std::move(values);
    }
    return f;
  }

 private:
  const Snapshot& snap_;
  bool category_ = false, size_ = false, color_ = false, price_ = false, inStock_ = false;
  std::unordered_map<std::string, long long> categories_, sizes_;
  std::unordered_map<std::string, std::pair<std::string, long long>> colors_;
  std::vector<long long> bandCounts_;
  long long inStockCount_ = 0, outOfStockCount_ = 0;
};

// Readers are reused (a database handle, an Enquire and a QueryParser each).
struct Reader {
  Xapian::Database db;
  Xapian::Enquire enquire;
  Xapian::QueryParser parser;
  Xapian::Stem stem{"en"};
  unsigned long long revision = 0;

  explicit Reader(const std::string& dir) : db(dir), enquire(db) {
    parser.set_database(db);
    parser.set_stemmer(stem);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_AND);
    parser.set_max_expansion(kPrefixExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                             Xapian::QueryParser::FLAG_PARTIAL);
  }
};

// A word's synonyms are searched too when fewer products than this have the
// word itself: they widen a thin result; for a common word they would only
// dilute the ranking and double the work.
constexpr Xapian::doccount kSynonymsBelow = 20;
// Quoted phrases, AND/OR/NOT, +word and -word as a shopper may type them.
constexpr unsigned kSyntaxFlags =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_LOVEHATE;

}  // namespace

std::vector<std::vector<std::string>> readSynonyms(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the synonyms file " + path);
  std::vector<std::vector<std::string>> groups;
  for (std::string line; std::getline(in, line);) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::vector<std::string> group;
    for (const auto& entry : splitOn(line, ',')) {  // as a query reads it: lower-case words
      std::string words;
      for (const auto& w : searchTerms(entry)) words += (words.empty() ? "" : " ") + w;
      if (!words.empty()) group.push_back(std::move(words));
    }
    if (group.size() > 1) groups.push_back(std::move(group));
  }
  return groups;
}

struct XapianSearch::Impl {
  Database& db;
  SearchSettings settings;

  // The writer's side, under writeMutex.
  std::mutex writeMutex;
  std::unique_ptr<Xapian::WritableDatabase> index;
  const Xapian::Stem stem{"en"};
  Xapian::TermGenerator terms;
  std::unordered_map<std::string, std::size_t> slotOf;            // product id -> its slot in byDoc
  std::unordered_map<std::string, std::string> productOfVariant;  // variant id -> product id
  std::size_t nextSlot = 0;
  std::shared_ptr<Snapshot> building;  // the next snapshot while a change is made

  mutable std::mutex snapshotMutex;
  std::shared_ptr<const Snapshot> current = std::make_shared<Snapshot>();

  mutable std::mutex readersMutex;
  mutable std::vector<std::unique_ptr<Reader>> idle;

  Impl(Database& database, SearchSettings s) : db(database), settings(std::move(s)) {
    namespace fs = std::filesystem;
    fs::remove_all(settings.directory);
    fs::create_directories(settings.directory);
    index = std::make_unique<Xapian::WritableDatabase>(
        settings.directory, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    for (const auto& group : settings.synonyms)
      for (const auto& word : group)
        for (const auto& other : group) {
          if (word == other || other.find(' ') != std::string::npos) continue;  // a synonym is one term
          index->add_synonym(word, other);
          if (word.find(' ') == std::string::npos) index->add_synonym("Z" + stem(word), "Z" + stem(other));
        }
    index->commit();
    terms.set_stemmer(stem);
    terms.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    terms.set_database(*index);
    terms.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
  }

  std::shared_ptr<const Snapshot> snapshot() const {
    std::lock_guard lock(snapshotMutex);
    return current;
  }

  // ---- the writer

  // One change at a time; a change that fails leaves the snapshot readers
  // see as it was (what it put in the index goes with the next commit).
  template <class Change>
  auto writing(Change change) {
    std::lock_guard lock(writeMutex);
    try {
      return change();
    } catch (...) {
      building.reset();
      throw;
    }
  }

  // A copy of the current snapshot to change (under writeMutex).
  Snapshot& edit() {
    if (!building) building = std::make_shared<Snapshot>(*snapshot());
    return *building;
  }
  void publish(bool indexChanged) {
    if (!building) return;
    if (indexChanged) {
      index->commit();
      ++building->revision;
    }
    std::lock_guard lock(snapshotMutex);
    current = std::move(building);
    building.reset();
  }

  std::vector<LoadedProduct> load(Tx& tx, const std::string& where, Params params) {
    const auto products = tx.query(std::string("SELECT ") + kProductColumns +
                                       ", p.min_price FROM catalog_products p "
                                       "JOIN catalog_categories c ON c.id = p.category_id " +
                                       where,
                                   params);
    std::vector<LoadedProduct> out;
    if (products.empty()) return out;
    std::vector<std::string> productIds;
    for (const Row& p : products) productIds.push_back(p.text("id"));
    Params ids;
    const std::string list = inList(ids, "p", productIds);
    std::unordered_map<std::string, std::vector<Row>> variants;
    for (Row& v : tx.query(std::string("SELECT ") + kVariantColumns +
                               ", a.level_version FROM catalog_variants v "
                               "LEFT JOIN catalog_availability a ON a.variant_id = v.id "
                               "WHERE v.status = 'active' AND v.product_id IN (" +
                               list +
                               ") "
                               "ORDER BY v.product_id, v.position, v.sku",
                           ids))
      variants[v.text("product_id")].push_back(std::move(v));
    out.reserve(products.size());
    for (const Row& p : products) out.push_back(makeDoc(p, variants[p.text("id")]));
    return out;
  }

  void put(const LoadedProduct& loaded) {
    const DocPtr& d = loaded.doc;
    Xapian::Document doc;
    terms.set_document(doc);
    terms.index_text(loaded.name, kNameWeight);
    terms.increase_termpos();
    terms.index_text(loaded.categoryName, kCategoryWeight);
    terms.increase_termpos();
    std::set<std::string> colors;
    for (const auto& v : d->variants)
      if (v.color && colors.insert(v.colorKey).second) {
        terms.index_text(*v.color, kColorWeight);
        terms.increase_termpos();
      }
    terms.index_text(loaded.description, kDescriptionWeight);
    // "Aso-Oke" is also one word, "asooke", as shoppers type it.
    for (const std::string* field : {&loaded.name, &loaded.categoryName})
      for (const auto& word : joinedHyphenations(*field)) {
        doc.add_term(word, kNameWeight);
        doc.add_term("Z" + stem(word), kNameWeight);
        index->add_spelling(word);
      }
    Snapshot& snap = edit();
    if (auto it = snap.categories.find(d->categoryId); it != snap.categories.end())
      for (const auto& id : it->second->path) doc.add_boolean_term(kCategoryTerm + id);
    doc.add_value(kPriceSlot, Xapian::sortable_serialise(static_cast<double>(d->minPrice)));
    doc.add_value(kNewestSlot, Xapian::sortable_serialise(static_cast<double>(d->createdAt)));
    auto [at, fresh] = slotOf.try_emplace(d->id, nextSlot);
    if (fresh) ++nextSlot;
    const std::size_t id = at->second;
    index->replace_document(docidOf(id), doc);
    if (snap.byDoc.size() <= id) snap.byDoc.resize(id + 1);
    if (snap.byDoc[id])
      for (const auto& v : snap.byDoc[id]->variants) productOfVariant.erase(v.id);
    snap.byDoc[id] = d;
    for (const auto& v : d->variants) {
      productOfVariant[v.id] = d->id;
      if (v.available) snap.availabilityKnown = true;
    }
  }

  void drop(const std::string& productId) {
    auto it = slotOf.find(productId);
    if (it == slotOf.end()) return;
    index->delete_document(docidOf(it->second));
    Snapshot& snap = edit();
    if (it->second < snap.byDoc.size() && snap.byDoc[it->second]) {
      for (const auto& v : snap.byDoc[it->second]->variants) productOfVariant.erase(v.id);
      snap.byDoc[it->second].reset();
    }
    slotOf.erase(it);  // slots are never reused: a reader never mistakes one product for another
  }

  void loadCategories(Tx& tx) { edit().categories = categoryMap(catalog::loadCategories(tx)); }

  // ---- a reader

  std::unique_ptr<Reader> acquire(unsigned long long revision) const {
    std::unique_ptr<Reader> r;
    {
      std::lock_guard lock(readersMutex);
      if (!idle.empty()) {
        r = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!r) {
      r = std::make_unique<Reader>(settings.directory);
      r->revision = revision;
    }
    if (r->revision != revision) {
      r->db.reopen();
      r->revision = revision;
    }
    return r;
  }
  void release(std::unique_ptr<Reader> r) const {
    std::lock_guard lock(readersMutex);
    idle.push_back(std::move(r));
  }

  static Xapian::Query parse(Reader& r, const std::string& text, unsigned flags) {
    try {
      return r.parser.parse_query(text, flags | kSyntaxFlags);
    } catch (const Xapian::QueryParserError&) {
      // Unbalanced quotes, a dangling operator: the words as plain text.
      return r.parser.parse_query(text, flags);
    }
  }

  static bool hasSynonyms(const Xapian::Database& db, const std::string& key) {
    return db.synonyms_begin(key) != db.synonyms_end(key);
  }

  // One word of the text as the index knows it.
  struct Word {
    std::string text;
    Xapian::doccount products = 0;  // that have it, as typed or stemmed
    bool synonyms = false;          // a synonym stands for it
    bool known() const { return products > 0 || synonyms; }
  };
  static std::vector<Word> wordsOf(const Reader& r, const std::string& text) {
    std::vector<Word> words;
    for (auto& w : searchTerms(text)) {
      const std::string stemmed = "Z" + r.stem(w);
      Word word{.products = std::max(r.db.get_termfreq(w), r.db.get_termfreq(stemmed)),
                .synonyms = hasSynonyms(r.db, w) || hasSynonyms(r.db, stemmed)};
      word.text = std::move(w);
      words.push_back(std::move(word));
    }
    return words;
  }

  // The words with each unknown one replaced by the index's spelling
  // suggestion; nullopt when none is unknown or none has a suggestion. A
  // word is known when the index has it, a synonym stands for it (alone, or
  // as a phrase with its neighbour), or it begins a word of the index while
  // it is being typed (the last one).
  static std::optional<std::string> correction(const Reader& r, const std::vector<Word>& words,
                                               bool partial) {
    const Xapian::Database& db = r.db;
    std::vector<bool> known(words.size(), false);
    for (std::size_t i = 0; i < words.size(); ++i)
      known[i] = words[i].known() || (partial && i + 1 == words.size() &&
                                      db.allterms_begin(words[i].text) != db.allterms_end(words[i].text));
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
      if (hasSynonyms(db, words[i].text + " " + words[i + 1].text)) known[i] = known[i + 1] = true;
    bool corrected = false;
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string w = words[i].text;
      if (!known[i])
        if (std::string suggestion = db.get_spelling_suggestion(w); !suggestion.empty()) {
          w = std::move(suggestion);
          corrected = true;
        }
      text += (i ? " " : "") + w;
    }
    if (!corrected) return std::nullopt;
    return text;
  }

  SearchResult run(Reader& r, const Snapshot& snap, const SearchQuery& q,
                   const std::vector<std::string>& facets) const {
    SearchResult out;
    out.meta.page = q.page;
    out.meta.limit = q.limit;
    std::optional<Xapian::Query> categoryFilter;
    if (q.category) {
      auto it = snap.categories.find(*q.category);
      if (it == snap.categories.end()) return out;  // an unknown category: nothing in it
      categoryFilter = Xapian::Query(kCategoryTerm + it->second->id);
    }
    const VariantConditions conditions(q);
    const VariantDecider decider(snap, conditions);

    const Xapian::doccount first = static_cast<Xapian::doccount>((q.page - 1) * q.limit);
    const Xapian::doccount size = static_cast<Xapian::doccount>(q.limit);
    // Facets count every match; otherwise the engine stops counting
    // exactly past kExactTotal and estimates the rest.
    const Xapian::doccount checkAtLeast = facets.empty() ? std::max(kExactTotal, first + size)
                                                         : std::max<Xapian::doccount>(r.db.get_doccount(), 1);

    // The last word also as a prefix while it is typed: unless it is one
    // letter (which would stand for most of the catalogue) or a word the
    // index knows (stemming finds its other forms; a prefix would only
    // double the work).
    const std::vector<Word> words = wordsOf(r, q.q);
    const bool partial =
        !words.empty() && words.back().text.size() >= kMinPrefixLength && !words.back().known();
    // A rare word with synonyms, or a phrase that has some ("head tie"),
    // matches them as itself; the words as typed are worth more, so they
    // are asked again alone (weights add up).
    const bool rareWithSynonyms = std::any_of(
        words.begin(), words.end(), [](const Word& w) { return w.synonyms && w.products < kSynonymsBelow; });
    bool phraseWithSynonyms = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
      phraseWithSynonyms = phraseWithSynonyms || hasSynonyms(r.db, words[i].text + " " + words[i + 1].text);
    const bool synonyms = rareWithSynonyms || phraseWithSynonyms;
    // (Multi-word synonyms imply single-word ones in Xapian.)
    const unsigned flags =
        (rareWithSynonyms ? unsigned(Xapian::QueryParser::FLAG_AUTO_SYNONYMS) : 0U) |
        (phraseWithSynonyms ? unsigned(Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS) : 0U);

    // Ranking visits every match (about 0.2 µs each): past kBroadText
    // possible matches the words say little more than a category does, so
    // the most recently added come first and the engine stops counting at
    // kExactTotal; narrower words are ranked by relevance.
    Xapian::doccount possible = words.empty() ? 0 : r.db.get_doccount();
    for (const Word& w : words) possible = std::min(possible, w.products);
    const bool broad = !partial && !synonyms && possible > kBroadText;
    if (q.sort == "price" || q.sort == "-price" || q.sort == "newest") {  // nothing to rank
      r.enquire.set_weighting_scheme(Xapian::BoolWeight());
      r.enquire.set_sort_by_value(q.sort == "newest" ? kNewestSlot : kPriceSlot, q.sort != "price");
    } else {
      if (broad)
        r.enquire.set_weighting_scheme(Xapian::BoolWeight());
      else
        r.enquire.set_weighting_scheme(Xapian::BM25Weight());
      r.enquire.set_sort_by_relevance();
    }
    const auto match = [&](const std::string& text) {
      // The words as typed (stemmed, with their synonyms), or with the last
      // one as a prefix: either matches.
      Xapian::Query query = parse(r, text, flags);
      if (partial)
        query = Xapian::Query(Xapian::Query::OP_OR, query,
                              parse(r, text, flags | Xapian::QueryParser::FLAG_PARTIAL));
      if (synonyms) query = Xapian::Query(Xapian::Query::OP_OR, query, parse(r, text, 0));
      std::unique_ptr<FacetCounter> counter;
      if (!facets.empty()) counter = std::make_unique<FacetCounter>(snap, facets);
      if (query.empty()) return std::make_pair(Xapian::MSet(), std::move(counter));
      if (categoryFilter) query = Xapian::Query(Xapian::Query::OP_FILTER, query, *categoryFilter);
      r.enquire.set_query(query);
      r.enquire.clear_matchspies();
      if (counter) r.enquire.add_matchspy(counter.get());
      Xapian::MSet mset = r.enquire.get_mset(first, size, checkAtLeast, nullptr, &decider);
      r.enquire.clear_matchspies();
      return std::make_pair(std::move(mset), std::move(counter));
    };

    auto [mset, counter] = match(q.q);
    if (auto corrected = correction(r, words, partial)) {
      out.didYouMean = *corrected;
      // Nothing for the words as typed: the corrected ones answer.
      if (mset.get_matches_upper_bound() == 0) std::tie(mset, counter) = match(*corrected);
    }
    std::string data = "[";
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const ProductDoc* d = snap.at(*it);
      if (!d) continue;
      if (data.size() > 1) data += ',';
      data += d->json;
    }
    out.dataJson = std::move(data) + "]";
    out.meta.total = static_cast<long long>(mset.get_matches_estimated());
    out.meta.totalIsEstimate = mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
    out.meta.totalPages = (out.meta.total + q.limit - 1) / q.limit;
    if (counter) out.facets = counter->result();
    return out;
  }
};

namespace {

// Xapian's exceptions are not std::exceptions: one leaving the engine
// becomes a SearchEngineError, which its callers (and the kernel's event
// follower) catch.
template <class F>
auto engineCall(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Xapian::Error& e) {
    throw SearchEngineError(e.get_description());
  }
}

}  // namespace

XapianSearch::XapianSearch(Database& db, SearchSettings settings)
    : impl_(engineCall([&] { return std::make_unique<Impl>(db, std::move(settings)); })) {}

XapianSearch::~XapianSearch() = default;

std::size_t XapianSearch::rebuild() {
  Impl& m = *impl_;
  return engineCall([&] {
    return m.writing([&] {
      m.db.read([&](Tx& tx) { m.loadCategories(tx); });
      std::set<std::string> seen;
      std::string after;
      for (;;) {
        const auto chunk = m.db.read([&](Tx& tx) {
          return m.load(tx, "WHERE p.status = 'active' AND p.id > :after ORDER BY p.id LIMIT :n",
                        {{"after", after}, {"n", static_cast<long long>(kLoadChunk)}});
        });
        for (const auto& p : chunk) {
          m.put(p);
          seen.insert(p.doc->id);
        }
        if (chunk.size() < kLoadChunk) break;
        after = chunk.back().doc->id;
      }
      std::vector<std::string> gone;
      for (const auto& [id, slot] : m.slotOf)
        if (!seen.count(id)) gone.push_back(id);
      for (const auto& id : gone) m.drop(id);
      m.publish(true);
      return seen.size();
    });
  });
}

void XapianSearch::refreshProducts(const std::vector<std::string>& productIds) {
  if (productIds.empty()) return;
  Impl& m = *impl_;
  engineCall([&] {
    m.writing([&] {
      Params params;
      const std::string list = inList(params, "id", productIds);
      const auto docs = m.db.read(
          [&](Tx& tx) { return m.load(tx, "WHERE p.status = 'active' AND p.id IN (" + list + ")", params); });
      std::set<std::string> active;
      for (const auto& p : docs) {
        m.put(p);
        active.insert(p.doc->id);
      }
      for (const auto& id : productIds)
        if (!active.count(id)) m.drop(id);
      m.publish(true);
    });
  });
}

void XapianSearch::refreshCategories() {
  Impl& m = *impl_;
  const std::vector<std::string> moved = engineCall([&] {
    return m.writing([&] {
      const auto was = m.snapshot();
      m.db.read([&](Tx& tx) { m.loadCategories(tx); });
      const auto& now = m.edit().categories;
      std::vector<std::string> ids;
      for (const auto& d : was->byDoc) {
        if (!d) continue;
        auto before = was->categories.find(d->categoryId);
        auto after = now.find(d->categoryId);
        if (after == now.end() || before == was->categories.end() ||
            after->second->name != before->second->name || after->second->path != before->second->path)
          ids.push_back(d->id);
      }
      m.publish(false);
      return ids;
    });
  });
  for (std::size_t i = 0; i < moved.size(); i += kLoadChunk)
    refreshProducts({moved.begin() + static_cast<long>(i),
                     moved.begin() + static_cast<long>(std::min(moved.size(), i + kLoadChunk))});
}

bool XapianSearch::applyLevels(const std::vector<inventory::InventoryLevelChanged>& levels) {
  Impl& m = *impl_;
  return engineCall([&] {
    return m.writing([&] {
      bool changed = false;
      for (const auto& level : levels) {
        auto owner = m.productOfVariant.find(level.variantId);
        if (owner == m.productOfVariant.end()) continue;  // not an active variant of an active product
        const std::size_t slot = m.slotOf.at(owner->second);
        Snapshot& snap = m.edit();
        const DocPtr& d = snap.byDoc[slot];
        for (std::size_t i = 0; i < d->variants.size(); ++i) {
          const VariantFacts& v = d->variants[i];
          if (v.id != level.variantId) continue;
          if (v.levelVersion && *v.levelVersion >= level.version) break;  // an older level, come late
          snap.byDoc[slot] = withLevel(*d, i, level.available, level.version);
          snap.availabilityKnown = true;
          changed = true;
          break;
        }
      }
      if (changed)
        m.publish(false);
      else
        m.building.reset();
      return changed;
    });
  });
}

SearchResult XapianSearch::search(const SearchQuery& q) const {
  const Impl& m = *impl_;
  const auto snap = m.snapshot();
  if (q.inStock && !snap->availabilityKnown)
    throw Problem::validation({{"inStock", "availability is not known: inventory is not reporting stock"}});
  const auto facets = facetsAsked(q);
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<Reader> reader;
    try {
      reader = m.acquire(snap->revision);
      SearchResult r = m.run(*reader, *snap, q, facets);
      m.release(std::move(reader));
      return r;
    } catch (const Xapian::DatabaseModifiedError&) {
      // Two commits passed under this reader: it opens the newest and tries again.
      if (reader) {
        reader->db.reopen();
        m.release(std::move(reader));
      }
      if (attempt == 2) throw SearchEngineError("the search index kept changing under the query");
    } catch (const Xapian::Error& e) {
      throw SearchEngineError(e.get_description());
    }
  }
}

}  // namespace agape::catalog
