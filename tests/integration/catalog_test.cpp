// The catalogue plugin through the real binary, on SQLite and PostgreSQL:
// every route, filter, sort and error, ETags and cache invalidation, the
// demo data, and the role matrix (roles come from the test.tokens plugin,
// which accepts "Bearer test:<userId>:<roles>").
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/backend_test.h"
#include "support/server_process.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kAdmin = "Authorization: Bearer test:u-admin:admin";
const std::string kMerchant = "Authorization: Bearer test:u-merchant:merchant";
const std::string kCustomer = "Authorization: Bearer test:u-customer:customer";
const std::string kJson = "Content-Type: application/json";

std::string catalogPlugin() {
  return std::string("{id: catalog, migrations: ") + AGAPE_SOURCE_DIR + "/migrations/catalog}";
}

class CatalogServe : public BackendTest {
 protected:
  // `demo`: with the demo plugin, which loads the demo catalogue on start.
  // `catalogYaml`: lines under the `catalog:` section.
  std::unique_ptr<ServerProcess> serve(bool demo = false, const std::string& name = "agape",
                                       const std::string& catalogYaml = "") {
    const int port = freePort();
    const std::string extra =
        "jobs:\n  pollInterval: 100ms\n" + (catalogYaml.empty() ? "" : "catalog:\n" + catalogYaml);
    const std::string url = databaseUrl();
    std::vector<std::string> plugins{"test.tokens", "test.inventory", catalogPlugin()};
    if (demo) plugins.push_back("demo");
    const std::string cfg = dir_.write(name + ".yaml", testConfig(dir_, port, plugins, extra, url));
    auto s = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--config", cfg, "--set", "logging.accessLog=false"}, port);
    return s;
  }

  void start(bool demo = false, const std::string& catalogYaml = "") {
    server_ = serve(demo, "agape", catalogYaml);
    ASSERT_TRUE(server_->waitReady()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->base());
  }

  HttpResult get(const std::string& path, std::vector<std::string> headers = {}) {
    return client_->get(path, headers);
  }
  HttpResult send(const std::string& method, const std::string& path, const Json& body,
                  const std::string& auth = kAdmin) {
    return client_->request(method, path, body.is_null() ? "" : body.dump(), {kJson, auth});
  }
  Json ok(const HttpResult& r, long status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  std::string category(const std::string& name, const std::string& slug, const std::string& parentId = "") {
    Json body{{"name", name}, {"slug", slug}};
    if (!parentId.empty()) body["parentId"] = parentId;
    auto j = ok(send("POST", "/v1/categories", body), 201);
    return j.value("id", "");
  }

  Json product(const std::string& name, const std::string& categoryId, long long price, Json variants,
               std::string description = "") {
    Json body{{"name", name}, {"categoryId", categoryId}, {"price", price}, {"description", description},
              {"images", Json::array({{{"url", "https://img.example/x.jpg"}, {"publicId", "x"}, {"alt", name}}})},
              {"variants", std::move(variants)}};
    return ok(send("POST", "/v1/products", body), 201);
  }

  static std::vector<std::string> names(const Json& page) {
    std::vector<std::string> out;
    for (const auto& p : page["data"]) out.push_back(p["name"].get<std::string>());
    return out;
  }

  // Three products in a small tree: women > dresses, and shoes.
  void fixture() {
    women_ = category("Women", "women");
    dresses_ = category("Dresses", "dresses", women_);
    shoes_ = category("Shoes", "shoes");
    dress_ = product("Ankara Wrap Dress", dresses_, 1'500'000,
                     {{{"sku", "ANK-1-M-RED"}, {"size", "M"}, {"color", "Red"}},
                      {{"sku", "ANK-1-XL-RED"}, {"size", "XL"}, {"color", "Red"}, {"price", 1'800'000}}},
                     "A bright wrap dress in ankara print.");
    std::this_thread::sleep_for(5ms);  // distinct creation times for "newest"
    sneakers_ = product("Lagos Sneakers", shoes_, 2'500'000,
                        {{{"sku", "SNK-1-42-WHT"}, {"size", "42"}, {"color", "White"}}},
                        "Comfortable white sneakers for the city.");
    std::this_thread::sleep_for(5ms);
    kaftan_ = product("Blue Kaftan", women_, 900'000, {{{"sku", "KFT-1-M-BLU"}, {"size", "M"}, {"color", "Blue"}}},
                      "Goes well with sneakers.");
  }

  // This server with the fixture, and a second one on the same database.
  void startTwoInstances() {
    start();
    fixture();
    other_ = serve(false, "other");
    ASSERT_TRUE(other_->waitReady()) << other_->output();
    otherClient_ = std::make_unique<HttpClient>(other_->base());
  }

  void searchRanksNameAboveCategoryAboveDescription();
  void searchFiltersAndSorts();
  void searchFacetsAndOddInput();

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<ServerProcess> other_;
  std::unique_ptr<HttpClient> otherClient_;
  std::string women_, dresses_, shoes_;
  Json dress_, sneakers_, kaftan_;
};

TEST_P(CatalogServe, DemoCatalogueIsLoadedOnFirstStart) {
  start(true);
  auto page = ok(get("/v1/products"));
  EXPECT_GE(page["meta"]["total"].get<long long>(), 200);
  EXPECT_EQ(page["meta"]["limit"], 20);
  EXPECT_EQ(page["meta"]["page"], 1);
  EXPECT_EQ(page["data"].size(), 20u);
  const auto& item = page["data"][0];
  for (const char* f : {"id", "slug", "name", "description", "category", "price", "images", "variants", "createdAt"})
    EXPECT_TRUE(item.contains(f)) << f;
  EXPECT_EQ(item["createdAt"].get<std::string>().back(), 'Z');
  EXPECT_FALSE(item["variants"].empty());

  auto tree = ok(get("/v1/products/categories"));
  EXPECT_EQ(tree["data"].size(), 4u);
  std::set<std::string> roots;
  for (const auto& c : tree["data"]) {
    roots.insert(c["slug"].get<std::string>());
    EXPECT_FALSE(c["children"].empty()) << c.dump();
  }
  EXPECT_EQ(roots, (std::set<std::string>{"women", "men", "footwear", "accessories"}));

  auto women = ok(get("/v1/products?category=women&limit=100"));
  EXPECT_EQ(women["meta"]["total"], 58);  // four subcategories, none directly under "women"

  auto found = ok(get("/v1/products/search?q=sneak"));
  ASSERT_FALSE(found["data"].empty()) << found.dump();
  EXPECT_NE(found["data"][0]["name"].get<std::string>().find("Sneakers"), std::string::npos);
  EXPECT_EQ(server_->terminate(), 0);
}

TEST_P(CatalogServe, ListFiltersSortsAndPages) {
  start();
  fixture();
  EXPECT_EQ(names(ok(get("/v1/products"))),
            (std::vector<std::string>{"Blue Kaftan", "Lagos Sneakers", "Ankara Wrap Dress"}));
  EXPECT_EQ(names(ok(get("/v1/products?sort=name"))),
            (std::vector<std::string>{"Ankara Wrap Dress", "Blue Kaftan", "Lagos Sneakers"}));
  EXPECT_EQ(names(ok(get("/v1/products?sort=price"))),
            (std::vector<std::string>{"Blue Kaftan", "Ankara Wrap Dress", "Lagos Sneakers"}));
  EXPECT_EQ(names(ok(get("/v1/products?sort=-price"))),
            (std::vector<std::string>{"Lagos Sneakers", "Ankara Wrap Dress", "Blue Kaftan"}));
  // Category by slug or id, with subcategories.
  EXPECT_EQ(names(ok(get("/v1/products?category=women&sort=name"))),
            (std::vector<std::string>{"Ankara Wrap Dress", "Blue Kaftan"}));
  EXPECT_EQ(names(ok(get("/v1/products?category=" + dresses_))), (std::vector<std::string>{"Ankara Wrap Dress"}));
  EXPECT_EQ(ok(get("/v1/products?category=nothing"))["meta"]["total"], 0);
  // Prices filter on effective variant prices (the XL override is 1,800,000).
  EXPECT_EQ(names(ok(get("/v1/products?minPrice=1700000&maxPrice=2000000"))),
            (std::vector<std::string>{"Ankara Wrap Dress"}));
  EXPECT_EQ(names(ok(get("/v1/products?maxPrice=1000000"))), (std::vector<std::string>{"Blue Kaftan"}));
  EXPECT_EQ(names(ok(get("/v1/products?size=M&sort=name"))),
            (std::vector<std::string>{"Ankara Wrap Dress", "Blue Kaftan"}));
  EXPECT_EQ(names(ok(get("/v1/products?color=white"))), (std::vector<std::string>{"Lagos Sneakers"}));
  // Size and colour must hold for the same variant.
  EXPECT_EQ(ok(get("/v1/products?size=42&color=Red"))["meta"]["total"], 0);

  auto p2 = ok(get("/v1/products?sort=name&limit=2&page=2"));
  EXPECT_EQ(names(p2), (std::vector<std::string>{"Lagos Sneakers"}));
  EXPECT_EQ(p2["meta"], (Json{{"page", 2}, {"limit", 2}, {"total", 3}, {"totalPages", 2}}));

  const auto& variants = dress_["variants"];
  ASSERT_EQ(variants.size(), 2u);
  EXPECT_EQ(variants[0]["price"], 1'500'000);  // inherits the product price
  EXPECT_EQ(variants[1]["price"], 1'800'000);
  EXPECT_TRUE(variants[0]["available"].is_null());  // inventory has not reported
}

TEST_P(CatalogServe, QueryParametersAreValidated) {
  start();
  for (const char* path : {"/v1/products?colour=red", "/v1/products?limit=0", "/v1/products?limit=101",
                           "/v1/products?page=0", "/v1/products?sort=cheapest", "/v1/products?minPrice=-1",
                           "/v1/products?minPrice=5&maxPrice=4", "/v1/products?inStock=maybe",
                           "/v1/products/search", "/v1/products/search?q=", "/v1/products/search?q=a&sort=name",
                           "/v1/products/categories?x=1",
                           // Cost bounds: rows skipped by paging, words searched.
                           "/v1/products?page=101&limit=100", "/v1/products?page=10001",
                           "/v1/products/search?q=sneakers&page=501&limit=20",
                           "/v1/products/search?q=a+b+c+d+e+f+g+h+i+j+k"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << path;
    auto j = Json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("code", ""), "validation_failed") << path;
    EXPECT_FALSE(j["errors"].empty()) << path;
  }
  EXPECT_EQ(get("/v1/products/search?q=" + std::string(201, 'a')).status, 400);
  EXPECT_EQ(get("/v1/products?page=100&limit=100").status, 200) << "10,000 rows deep is allowed";
  EXPECT_EQ(get("/v1/products/search?q=a+b+c+d+e+f+g+h+i+j").status, 200) << "ten words are allowed";
  // No inventory has reported: "in stock" cannot be answered.
  auto r = get("/v1/products?inStock=true");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"field\":\"inStock\""), std::string::npos) << r.body;
}

// Both engines: the embedded index (the default) and the database's.
TEST_P(CatalogServe, SearchRanksNameAboveCategoryAboveDescription) {
  for (const std::string engine : {"xapian", "database"}) {
    SCOPED_TRACE(engine);
    start(false, "  search:\n    engine: " + engine + "\n");
    if (engine == "xapian") fixture();  // the database keeps it for the second server
    searchRanksNameAboveCategoryAboveDescription();
    EXPECT_EQ(server_->terminate(), 0);
  }
}

void CatalogServe::searchRanksNameAboveCategoryAboveDescription() {
  auto r = ok(get("/v1/products/search?q=sneakers"));
  EXPECT_EQ(names(r), (std::vector<std::string>{"Lagos Sneakers", "Blue Kaftan"}));
  EXPECT_EQ(r["meta"]["total"], 2);
  EXPECT_EQ(names(ok(get("/v1/products/search?q=sneak"))), (std::vector<std::string>{"Lagos Sneakers", "Blue Kaftan"}));
  EXPECT_EQ(names(ok(get("/v1/products/search?q=dresses"))), (std::vector<std::string>{"Ankara Wrap Dress"}));
  EXPECT_EQ(ok(get("/v1/products/search?q=agbada"))["meta"]["total"], 0);
  EXPECT_EQ(ok(get("/v1/products/search?q=%22%3A*%28"))["meta"]["total"], 0);  // syntax is not passed through
  // One letter is matched as a whole word, not as the prefix of every word starting with it.
  EXPECT_EQ(ok(get("/v1/products/search?q=l"))["meta"]["total"], 0);
  EXPECT_EQ(names(ok(get("/v1/products/search?q=la"))), (std::vector<std::string>{"Lagos Sneakers"}));
  auto paged = ok(get("/v1/products/search?q=sneakers&limit=1&page=2"));
  EXPECT_EQ(names(paged), (std::vector<std::string>{"Blue Kaftan"}));
  EXPECT_EQ(paged["meta"]["totalPages"], 2);
  auto past = ok(get("/v1/products/search?q=sneakers&limit=1&page=5"));
  EXPECT_TRUE(past["data"].empty());
  EXPECT_EQ(past["meta"]["total"], 2) << "a page past the end still reports the total";
  // Archived products leave the results (and, on SQLite, the index).
  ASSERT_EQ(send("DELETE", "/v1/products/" + kaftan_["id"].get<std::string>(), nullptr).status, 204);
  EXPECT_EQ(names(ok(get("/v1/products/search?q=sneakers"))), (std::vector<std::string>{"Lagos Sneakers"}));
  const std::string kaftanPath = "/v1/products/" + kaftan_["id"].get<std::string>();
  const Json archived = ok(get(kaftanPath, {kAdmin}));
  ok(send("PATCH", kaftanPath, Json{{"version", archived["version"]}, {"status", "active"}}));
  EXPECT_EQ(ok(get("/v1/products/search?q=sneakers"))["meta"]["total"], 2) << "back in the index when active again";
}

// Both engines take the list's filters and sorts; the embedded one also
// counts facets.
TEST_P(CatalogServe, SearchTakesTheListsFiltersAndSortsAndTheEngineCountsFacets) {
  for (const std::string engine : {"database", "xapian"}) {
    SCOPED_TRACE(engine);
    start(false, "  search:\n    engine: " + engine + "\n");
    if (engine == "database") fixture();  // the database keeps it for the second server
    searchFiltersAndSorts();
    if (engine == "xapian") searchFacetsAndOddInput();
    EXPECT_EQ(server_->terminate(), 0);
  }
}

void CatalogServe::searchFiltersAndSorts() {
  const auto search = [&](const std::string& query) { return ok(get("/v1/products/search?" + query)); };
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(search("q=sneakers&category=shoes")), Names{"Lagos Sneakers"});
  EXPECT_EQ(names(search("q=ankara&category=women")), Names{"Ankara Wrap Dress"}) << "subcategories included";
  EXPECT_EQ(search("q=sneakers&category=nowhere")["meta"]["total"], 0);
  EXPECT_EQ(names(search("q=sneakers&sort=price")), (Names{"Blue Kaftan", "Lagos Sneakers"}));
  EXPECT_EQ(names(search("q=sneakers&sort=-price")), (Names{"Lagos Sneakers", "Blue Kaftan"}));
  EXPECT_EQ(names(search("q=sneakers&sort=newest")), (Names{"Blue Kaftan", "Lagos Sneakers"}));
  // Every variant condition holds for one variant: M is 15,000, XL 18,000.
  EXPECT_EQ(names(search("q=dress&minPrice=1700000")), Names{"Ankara Wrap Dress"});
  EXPECT_EQ(search("q=dress&maxPrice=1000000")["meta"]["total"], 0);
  EXPECT_EQ(names(search("q=dress&size=M&color=RED")), Names{"Ankara Wrap Dress"});
  EXPECT_EQ(search("q=dress&size=M&minPrice=1700000")["meta"]["total"], 0);
  EXPECT_EQ(search("q=dress&size=XL&color=blue")["meta"]["total"], 0);
  EXPECT_EQ(get("/v1/products/search?q=sneakers&inStock=true").status, 400) << "while inventory has never reported";
}

void CatalogServe::searchFacetsAndOddInput() {
  const auto search = [&](const std::string& query) { return ok(get("/v1/products/search?" + query)); };
  using Names = std::vector<std::string>;
  const Json faceted = search("q=sneakers&facets=inStock,price,color,size,category");
  const Json& f = faceted["facets"];
  EXPECT_EQ(f["category"], Json::parse(R"([{"value":"shoes","label":"Shoes","count":1},
                                            {"value":"women","label":"Women","count":1}])"));
  EXPECT_EQ(f["size"], Json::parse(R"([{"value":"42","label":"42","count":1},{"value":"M","label":"M","count":1}])"));
  EXPECT_EQ(f["color"],
            Json::parse(R"([{"value":"Blue","label":"Blue","count":1},{"value":"White","label":"White","count":1}])"));
  EXPECT_EQ(f["price"], Json::parse(R"([{"value":"0-999999","label":"under ₦10,000","count":1},
                                        {"value":"1000000-2499999","label":"₦10,000 – ₦25,000","count":0},
                                        {"value":"2500000-4999999","label":"₦25,000 – ₦50,000","count":1},
                                        {"value":"5000000-9999999","label":"₦50,000 – ₦100,000","count":0},
                                        {"value":"10000000-","label":"₦100,000 and above","count":0}])"));
  EXPECT_EQ(f["inStock"], Json::array()) << "inventory has not reported";
  EXPECT_EQ(faceted["meta"]["totalIsEstimate"], false);
  EXPECT_FALSE(search("q=sneakers").contains("facets")) << "counted only when asked for";
  EXPECT_EQ(search("q=sneakers&facets=size")["facets"].size(), 1u);

  // What a shopper may type is searched as text, never a 500.
  for (const std::string& q : std::vector<std::string>{"%22unbalanced", "dress%20AND", "OR", "NOT%20NOT", "%2B%2B--", "(((", "dress%20-wrap",
                              "%22wrap%20dress%22", std::string(200, '!')}) {
    const auto r = get("/v1/products/search?q=" + q);
    EXPECT_EQ(r.status, 200) << q << " " << r.body;
  }
  EXPECT_EQ(names(search("q=%22wrap%20dress%22")), Names{"Ankara Wrap Dress"}) << "a quoted phrase";
  EXPECT_EQ(search("q=" + std::string(200, '!'))["meta"]["total"], 0);
  EXPECT_EQ(get("/v1/products/search?q=%FF%FE").status, 400);
  EXPECT_EQ(get("/v1/products/search?q=dress&facets=bogus").status, 400);
  EXPECT_EQ(get("/v1/products/search?q=dress&sort=name").status, 400);
}

TEST_P(CatalogServe, TheEngineCorrectsMisspellingsAndKnowsSynonyms) {
  const std::string synonyms = dir_.write("synonyms.txt", "# shoppers' words\nsneakers, trainers, kicks\n");
  start(false, "  search:\n    synonyms: " + synonyms + "\n");
  fixture();
  using Names = std::vector<std::string>;
  const Json misspelt = ok(get("/v1/products/search?q=ankra"));
  EXPECT_EQ(misspelt["didYouMean"], "ankara");
  EXPECT_EQ(names(misspelt), Names{"Ankara Wrap Dress"}) << "nothing matched as typed: the correction answers";
  EXPECT_FALSE(ok(get("/v1/products/search?q=ankara")).contains("didYouMean"));
  EXPECT_FALSE(ok(get("/v1/products/search?q=ank")).contains("didYouMean")) << "a word being typed";
  EXPECT_EQ(ok(get("/v1/products/search?q=lagos%20sneakerz"))["didYouMean"], "lagos sneakers");
  EXPECT_EQ(names(ok(get("/v1/products/search?q=trainers"))), (Names{"Lagos Sneakers", "Blue Kaftan"}));
  EXPECT_EQ(names(ok(get("/v1/products/search?q=kicks&category=shoes"))), Names{"Lagos Sneakers"});
  EXPECT_FALSE(ok(get("/v1/products/search?q=kicks")).contains("didYouMean")) << "a synonym is a known word";
}

// Each instance keeps its own index: a change made on one is found on the
// other through the events both follow, within a second.
TEST_P(CatalogServe, AnotherInstancesIndexTakesAChangeWithinASecond) {
  if (GetParam() != Backend::Postgres) GTEST_SKIP() << "two servers share one database on PostgreSQL";
  startTwoInstances();
  ASSERT_FALSE(HasFatalFailure());
  HttpClient& b = *otherClient_;
  const auto total = [&](const std::string& query) {
    const auto r = b.get("/v1/products/search?" + query);
    return r.status == 200 ? Json::parse(r.body)["meta"]["total"].get<long long>() : -1;
  };
  ASSERT_EQ(total("q=zobo"), 0);  // and cached on the other instance
  const auto timed = [&](const std::function<bool()>& seen) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = eventually(seen, std::chrono::milliseconds(1000));
    return ok ? std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() : -1.0;
  };
  const Json bag = product("Zobo Tote Bag", shoes_, 700'000, {{{"sku", "ZOB-1-RED"}, {"color", "Red"}}});
  const double created = timed([&] { return total("q=zobo") == 1; });
  EXPECT_GE(created, 0) << "a new product found on the other instance within 1 s";
  ASSERT_EQ(send("DELETE", "/v1/products/" + bag["id"].get<std::string>(), nullptr).status, 204);
  const double archived = timed([&] { return total("q=zobo") == 0; });
  EXPECT_GE(archived, 0) << "an archived one gone within 1 s";
  ok(send("PATCH", "/v1/categories/" + shoes_, Json{{"name", "Footwear"}}));
  const double renamed = timed([&] { return total("q=footwear") == 1; });
  EXPECT_GE(renamed, 0) << "a renamed category's products found by its new name within 1 s";
  // A variant's edit and a stock level, made through this instance.
  const std::string sneakersPath = "/v1/products/" + sneakers_["id"].get<std::string>();
  const Json current = ok(get(sneakersPath, {kAdmin}));
  ok(send("PATCH", sneakersPath + "/variants/" + sneakers_["variants"][0]["id"].get<std::string>(),
          Json{{"version", current["version"]}, {"size", "43"}}));
  const double resized = timed([&] { return total("q=lagos&size=43") == 1 && total("q=lagos&size=42") == 0; });
  EXPECT_GE(resized, 0) << "a variant's new size within 1 s";
  ASSERT_EQ(send("POST", "/v1/test/inventory",
                 Json{{"variantId", sneakers_["variants"][0]["id"]}, {"available", 3}, {"version", 1}})
                .status,
            202);
  const double stocked = timed([&] { return total("q=lagos&inStock=true") == 1; });
  EXPECT_GE(stocked, 0) << "a stock level within 1 s";
  std::cout << "the other instance's index: created " << created << " ms, archived " << archived << " ms, category "
            << renamed << " ms, variant " << resized << " ms, stock " << stocked << " ms\n";
  EXPECT_EQ(other_->terminate(), 0);
}

// The engine's files turned to garbage under it: a search is answered by
// the database's (without facets), counted on /metrics; never a 500.
TEST_P(CatalogServe, ASearchTheEngineFailsIsAnsweredByTheDatabase) {
  start();
  fixture();  // no search yet: the engine opens its readers on the garbage
  for (const auto& instance : std::filesystem::directory_iterator(dir_.path() + "/data/catalog-search"))
    for (const auto& file : std::filesystem::directory_iterator(instance.path())) {
      std::error_code gone;  // the engine's temporary files come and go
      const auto size = std::filesystem::file_size(file.path(), gone);
      if (gone || file.path().extension() != ".glass") continue;
      std::fstream out(file.path(), std::ios::binary | std::ios::in | std::ios::out);  // the same inode
      const std::string junk(size, '\x5a');
      out.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  HttpResult r;
  try {
    r = get("/v1/products/search?q=kaftan&facets=color");
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << server_->output();
  }
  ASSERT_EQ(r.status, 200) << r.body << server_->output();
  const Json page = Json::parse(r.body);
  EXPECT_EQ(names(page), std::vector<std::string>{"Blue Kaftan"});
  EXPECT_FALSE(page.contains("facets")) << "the database counts none";
  EXPECT_NE(get("/metrics").body.find("agape_catalog_search_fallbacks_total 1"), std::string::npos);
  EXPECT_EQ(server_->terminate(), 0);
  EXPECT_NE(server_->output().find("the search engine failed; answered from the database"), std::string::npos);
}

TEST_P(CatalogServe, DetailByIdOrSlugAndArchive) {
  start();
  fixture();
  const std::string id = sneakers_["id"];
  EXPECT_EQ(ok(get("/v1/products/" + id))["slug"], "lagos-sneakers");
  EXPECT_EQ(ok(get("/v1/products/lagos-sneakers"))["id"], id);
  EXPECT_EQ(get("/v1/products/nope").status, 404);

  EXPECT_EQ(send("DELETE", "/v1/products/" + id, nullptr).status, 204);
  EXPECT_EQ(send("DELETE", "/v1/products/" + id, nullptr).status, 204);  // already archived
  EXPECT_EQ(get("/v1/products/" + id).status, 404);
  EXPECT_EQ(get("/v1/products/" + id, {kCustomer}).status, 404);
  EXPECT_EQ(ok(get("/v1/products/" + id, {kAdmin}))["status"], "archived");
  EXPECT_EQ(ok(get("/v1/products/" + id, {kMerchant}))["status"], "archived");
  EXPECT_EQ(ok(get("/v1/products"))["meta"]["total"], 2);
  EXPECT_EQ(ok(get("/v1/products/search?q=lagos"))["meta"]["total"], 0);
  EXPECT_EQ(send("DELETE", "/v1/products/missing", nullptr).status, 404);
}

TEST_P(CatalogServe, CreateValidatesAndRefusesDuplicates) {
  start();
  fixture();
  Json bad{{"name", "X"}, {"categoryId", shoes_}, {"price", 0}, {"variants", {{{"sku", "bad sku"}}}}};
  auto r = send("POST", "/v1/products", bad);
  ASSERT_EQ(r.status, 400) << r.body;
  auto j = Json::parse(r.body);
  std::set<std::string> fields;
  for (const auto& e : j["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"price", "variants[0].sku"}));

  EXPECT_EQ(send("POST", "/v1/products", Json{{"name", "X"}, {"price", 5}, {"variants", Json::array()}}).status, 400);
  EXPECT_EQ(send("POST", "/v1/products",
                 Json{{"name", "X"}, {"categoryId", "nope"}, {"price", 5}, {"variants", {{{"sku", "NEW-1"}}}}})
                .status,
            400);
  EXPECT_EQ(send("POST", "/v1/products", Json{{"name", "X"}, {"unknown", 1}}).status, 400);

  auto dupSku = send("POST", "/v1/products",
                     Json{{"name", "Other"}, {"categoryId", shoes_}, {"price", 5}, {"variants", {{{"sku", "SNK-1-42-WHT"}}}}});
  EXPECT_EQ(dupSku.status, 409) << dupSku.body;
  EXPECT_NE(dupSku.body.find("\"code\":\"duplicate\""), std::string::npos);
  auto dupSlug = send("POST", "/v1/products",
                      Json{{"name", "Lagos Sneakers"}, {"categoryId", shoes_}, {"price", 5}, {"variants", {{{"sku", "NEW-2"}}}}});
  EXPECT_EQ(dupSlug.status, 409) << dupSlug.body;
  EXPECT_EQ(ok(get("/v1/products"))["meta"]["total"], 3);  // nothing half-written
}

TEST_P(CatalogServe, BodiesAndQueriesAreDecodedByTheirContracts) {
  start();
  fixture();
  auto fieldsOf = [](const HttpResult& r) {
    std::set<std::string> fields;
    const Json problem = Json::parse(r.body);
    for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
    return fields;
  };
  // An unknown field inside an array element is named by its path.
  auto unknown = send("POST", "/v1/products",
                      Json{{"name", "Adire Maxi"}, {"categoryId", women_}, {"price", 5},
                           {"variants", {{{"sku", "ADR-9"}, {"colour", "Blue"}}}}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(fieldsOf(unknown), (std::set<std::string>{"variants[0].colour"}));
  // Created: 201 with its Location.
  auto created = send("POST", "/v1/products",
                      Json{{"name", "Adire Maxi"}, {"categoryId", women_}, {"price", 5}, {"variants", {{{"sku", "ADR-9"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/v1/products/" + Json::parse(created.body)["id"].get<std::string>());
  // PATCH: a field that cannot be cleared refuses null; a clearable one takes it.
  const std::string kaftan = kaftan_["id"];
  auto nulled = send("PATCH", "/v1/products/" + kaftan, Json{{"version", 1}, {"name", nullptr}});
  EXPECT_EQ(nulled.status, 400) << nulled.body;
  EXPECT_EQ(fieldsOf(nulled), (std::set<std::string>{"name"}));
  const std::string redM = dress_["variants"][0]["id"];
  auto cleared = ok(send("PATCH", "/v1/products/" + dress_["id"].get<std::string>() + "/variants/" + redM,
                         Json{{"version", 1}, {"color", nullptr}}));
  EXPECT_TRUE(cleared["variants"][0]["color"].is_null()) << cleared.dump();
  EXPECT_EQ(cleared["variants"][0]["size"], "M") << "left out: unchanged";
  auto toRoot = ok(send("PATCH", "/v1/categories/" + dresses_, Json{{"parentId", nullptr}}));
  EXPECT_TRUE(toRoot["parentId"].is_null()) << toRoot.dump();
  EXPECT_EQ(ok(get("/v1/products/categories"))["data"].size(), 3u);
  // Queries of writes are decoded too.
  auto badQuery = send("DELETE", "/v1/categories/" + shoes_ + "?reassignTo=" + women_ + "&force=1", nullptr);
  EXPECT_EQ(badQuery.status, 400) << badQuery.body;
  EXPECT_EQ(fieldsOf(badQuery), (std::set<std::string>{"force"}));
  EXPECT_EQ(send("DELETE", "/v1/products/" + kaftan + "?hard=true", nullptr).status, 400);
  // The same query refused on a cache hit as on a miss.
  ASSERT_EQ(get("/v1/products/lagos-sneakers").status, 200);
  EXPECT_EQ(get("/v1/products/lagos-sneakers?v=2").status, 400);
  ASSERT_EQ(get("/v1/products?sort=name").status, 200);
  auto repeated = get("/v1/products?sort=name&sort=price");
  EXPECT_EQ(repeated.status, 400) << repeated.body;
  EXPECT_EQ(fieldsOf(repeated), (std::set<std::string>{"sort"}));
}

TEST_P(CatalogServe, PatchNeedsTheCurrentVersion) {
  start();
  fixture();
  const std::string id = kaftan_["id"];
  EXPECT_EQ(kaftan_["version"], 1);
  EXPECT_EQ(send("PATCH", "/v1/products/" + id, Json{{"price", 1000}}).status, 400);
  auto updated = ok(send("PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 950'000}, {"name", "Indigo Kaftan"}}));
  EXPECT_EQ(updated["version"], 2);
  EXPECT_EQ(updated["price"], 950'000);
  EXPECT_EQ(updated["variants"][0]["price"], 950'000);
  auto stale = send("PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("\"code\":\"version_conflict\""), std::string::npos) << stale.body;
  EXPECT_EQ(send("PATCH", "/v1/products/missing", Json{{"version", 1}}).status, 404);
  EXPECT_EQ(ok(get("/v1/products/search?q=indigo"))["meta"]["total"], 1);  // reindexed
  EXPECT_EQ(send("PATCH", "/v1/products/" + id, Json{{"version", 2}, {"slug", "lagos-sneakers"}}).status, 409);
}

TEST_P(CatalogServe, EtagsAndCacheInvalidation) {
  start();
  fixture();
  for (const char* path : {"/v1/products", "/v1/products/lagos-sneakers", "/v1/products/categories",
                           "/v1/products/search?q=kaftan"}) {
    auto first = get(path);
    ASSERT_EQ(first.status, 200) << path;
    const std::string etag = first.header("etag");
    ASSERT_FALSE(etag.empty()) << path;
    EXPECT_EQ(etag.front(), '"');
    auto again = get(path, {"If-None-Match: " + etag});
    EXPECT_EQ(again.status, 304) << path;
    EXPECT_EQ(again.header("etag"), etag);
    EXPECT_EQ(get(path, {"If-None-Match: \"other\""}).status, 200);
  }
  // Normalised keys: the same query in another order hits the same entry.
  EXPECT_EQ(get("/v1/products?limit=5&sort=name").header("etag"), get("/v1/products?sort=name&limit=5").header("etag"));

  const std::string before = get("/v1/products").header("etag");
  ok(send("PATCH", "/v1/products/" + sneakers_["id"].get<std::string>(), Json{{"version", 1}, {"name", "Eko Sneakers"}}));
  auto after = get("/v1/products", {"If-None-Match: " + before});
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.header("etag"), before);
  EXPECT_NE(after.body.find("Eko Sneakers"), std::string::npos);
  EXPECT_EQ(ok(get("/v1/products/search?q=eko"))["meta"]["total"], 1);
  category("Bags", "bags");
  EXPECT_NE(get("/v1/products/categories").body.find("\"bags\""), std::string::npos);
}

TEST_P(CatalogServe, CategoryManagement) {
  start();
  fixture();
  auto renamed = ok(send("PATCH", "/v1/categories/" + shoes_, Json{{"name", "Footwear"}, {"slug", "footwear"}}));
  EXPECT_EQ(renamed["slug"], "footwear");
  EXPECT_EQ(ok(get("/v1/products/search?q=footwear"))["meta"]["total"], 1);  // category name is searchable
  EXPECT_EQ(send("PATCH", "/v1/categories/" + women_, Json{{"parentId", dresses_}}).status, 400);  // a cycle
  EXPECT_EQ(send("POST", "/v1/categories", Json{{"name", "Women again"}, {"slug", "women"}}).status, 409);

  auto refused = send("DELETE", "/v1/categories/" + shoes_, nullptr);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(send("DELETE", "/v1/categories/" + shoes_ + "?reassignTo=nope", nullptr).status, 400);
  EXPECT_EQ(send("DELETE", "/v1/categories/" + shoes_ + "?reassignTo=" + women_, nullptr).status, 204);
  EXPECT_EQ(ok(get("/v1/products/lagos-sneakers"))["category"]["slug"], "women");
  EXPECT_EQ(send("DELETE", "/v1/categories/" + shoes_, nullptr).status, 404);
  // Deleting a parent moves its subcategories up.
  auto tree = ok(get("/v1/products/categories"));
  EXPECT_EQ(tree["data"].size(), 1u);
}

TEST_P(CatalogServe, RolesGateEveryWrite) {
  start();
  fixture();
  const std::string id = dress_["id"];
  const std::string sneakersId = sneakers_["id"], sneakerVariant = sneakers_["variants"][0]["id"];
  const Json newProduct{{"name", "Agbada"}, {"categoryId", women_}, {"price", 100}, {"variants", {{{"sku", "AGB-9"}}}}};
  struct Case {
    std::string method, path;
    Json body;
    std::string auth;
    long status;
  };
  const std::string none = "X-None: 1";
  const std::vector<Case> cases = {
      {"POST", "/v1/products", newProduct, none, 401},
      {"POST", "/v1/products", newProduct, kCustomer, 403},
      {"POST", "/v1/products", newProduct, "Authorization: Bearer forged", 401},
      {"POST", "/v1/products", newProduct, kMerchant, 201},
      {"PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 7}}, kCustomer, 403},
      {"PATCH", "/v1/products/" + id, Json{{"version", 1}, {"price", 7}}, kMerchant, 200},
      {"DELETE", "/v1/products/" + id, nullptr, none, 401},
      {"DELETE", "/v1/products/" + id, nullptr, kCustomer, 403},
      {"DELETE", "/v1/products/" + id, nullptr, kMerchant, 403},
      {"DELETE", "/v1/products/" + id, nullptr, kAdmin, 204},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, none, 401},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, kCustomer, 403},
      {"POST", "/v1/categories", Json{{"name", "Kids"}}, kMerchant, 201},
      {"PATCH", "/v1/categories/" + shoes_, Json{{"name", "Shoes!"}}, kCustomer, 403},
      {"PATCH", "/v1/categories/" + shoes_, Json{{"name", "Shoes!"}}, kMerchant, 200},
      {"DELETE", "/v1/categories/" + dresses_ + "?reassignTo=" + women_, nullptr, kCustomer, 403},
      {"DELETE", "/v1/categories/" + dresses_ + "?reassignTo=" + women_, nullptr, kMerchant, 204},
      {"POST", "/v1/products/" + sneakersId + "/variants", Json{{"version", 1}, {"sku", "SNK-1-43-WHT"}}, none, 401},
      {"POST", "/v1/products/" + sneakersId + "/variants", Json{{"version", 1}, {"sku", "SNK-1-43-WHT"}}, kCustomer, 403},
      {"POST", "/v1/products/" + sneakersId + "/variants", Json{{"version", 1}, {"sku", "SNK-1-43-WHT"}}, kMerchant, 201},
      {"PATCH", "/v1/products/" + sneakersId + "/variants/" + sneakerVariant, Json{{"version", 2}, {"size", "41"}}, none, 401},
      {"PATCH", "/v1/products/" + sneakersId + "/variants/" + sneakerVariant, Json{{"version", 2}, {"size", "41"}}, kCustomer, 403},
      {"PATCH", "/v1/products/" + sneakersId + "/variants/" + sneakerVariant, Json{{"version", 2}, {"size", "41"}}, kAdmin, 200},
  };
  for (const auto& c : cases) {
    auto r = send(c.method, c.path, c.body, c.auth);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " as " << c.auth << ": " << r.body;
  }
  for (const auto& auth : {none, kCustomer, kMerchant, kAdmin}) {
    EXPECT_EQ(get("/v1/products", {auth}).status, 200) << auth;
    EXPECT_EQ(get("/v1/products/categories", {auth}).status, 200) << auth;
    EXPECT_EQ(get("/v1/products/search?q=agbada", {auth}).status, 200) << auth;
  }
}

TEST_P(CatalogServe, InventoryEventsFeedAvailabilityAndTheInStockFilter) {
  start();
  fixture();
  const std::string redM = dress_["variants"][0]["id"], white42 = sneakers_["variants"][0]["id"];
  EXPECT_EQ(get("/v1/products?inStock=true").status, 400);
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", redM}, {"available", 4}}).status, 202);
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", white42}, {"available", 0}}).status, 202);
  ASSERT_TRUE(eventually([&] {
    auto r = get("/v1/products/lagos-sneakers");
    return r.status == 200 && Json::parse(r.body)["variants"][0]["available"] == 0;
  })) << server_->output();
  ASSERT_TRUE(eventually([&] { return get("/v1/products?inStock=true").status == 200; }));
  EXPECT_EQ(Json::parse(get("/v1/products/ankara-wrap-dress").body)["variants"][0]["available"], 4);
  EXPECT_EQ(names(ok(get("/v1/products?inStock=true"))), (std::vector<std::string>{"Ankara Wrap Dress"}));
  EXPECT_EQ(names(ok(get("/v1/products?inStock=false&sort=name"))),
            (std::vector<std::string>{"Blue Kaftan", "Lagos Sneakers"}));
  // In stock in M, but XL is unknown: the size must be the one in stock.
  EXPECT_EQ(ok(get("/v1/products?inStock=true&size=XL"))["meta"]["total"], 0);
  EXPECT_EQ(ok(get("/v1/products?inStock=true&size=M"))["meta"]["total"], 1);
  // The search engine's copy follows the same events.
  ASSERT_TRUE(eventually([&] { return get("/v1/products/search?q=sneakers&inStock=false").status == 200; }));
  ASSERT_TRUE(eventually([&] {
    return names(ok(get("/v1/products/search?q=ankara&inStock=true"))) == std::vector<std::string>{"Ankara Wrap Dress"};
  }));
  EXPECT_EQ(names(ok(get("/v1/products/search?q=sneakers&inStock=false&sort=price"))),
            (std::vector<std::string>{"Blue Kaftan", "Lagos Sneakers"}));
  EXPECT_EQ(ok(get("/v1/products/search?q=dress&inStock=true&size=XL"))["meta"]["total"], 0);
  // The page shows each variant's stock as the detail does: the stored JSON rewritten.
  const Json dress = ok(get("/v1/products/search?q=ankara"))["data"][0];
  EXPECT_EQ(dress, ok(get("/v1/products/ankara-wrap-dress")));
  EXPECT_EQ(dress["variants"][0]["available"], 4);
  EXPECT_TRUE(dress["variants"][1]["available"].is_null());
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", redM}, {"available", 12345}, {"version", 1}}).status,
            202);
  EXPECT_TRUE(eventually([&] {
    const Json found = ok(get("/v1/products/search?q=ankara"))["data"][0];
    return found["variants"][0]["available"] == 12345 && found == ok(get("/v1/products/ankara-wrap-dress"));
  }));
  EXPECT_EQ(ok(get("/v1/products/search?q=sneakers&facets=inStock"))["facets"]["inStock"],
            Json::parse(R"([{"value":"true","label":"in stock","count":0},{"value":"false","label":"out of stock","count":2}])"));
}

TEST_P(CatalogServe, AvailabilityIgnoresLevelsOlderThanTheOneApplied) {
  start();
  fixture();
  const std::string redM = dress_["variants"][0]["id"], white42 = sneakers_["variants"][0]["id"];
  auto availableOf = [&](const std::string& slug) {
    auto r = get("/v1/products/" + slug);
    return r.status == 200 ? Json::parse(r.body)["variants"][0]["available"] : Json();
  };
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", redM}, {"available", 2}, {"version", 5}}).status, 202);
  ASSERT_TRUE(eventually([&] { return availableOf("ankara-wrap-dress") == 2; })) << server_->output();
  // An older level delivered late, then a marker on another variant.
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", redM}, {"available", 9}, {"version", 3}}).status, 202);
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", white42}, {"available", 1}, {"version", 1}}).status, 202);
  ASSERT_TRUE(eventually([&] { return availableOf("lagos-sneakers") == 1; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(availableOf("ankara-wrap-dress"), 2) << "a stale level overwrote a newer one";
  ASSERT_EQ(send("POST", "/v1/test/inventory", Json{{"variantId", redM}, {"available", 7}, {"version", 6}}).status, 202);
  EXPECT_TRUE(eventually([&] { return availableOf("ankara-wrap-dress") == 7; }));
}

TEST_P(CatalogServe, VariantsAreAddedChangedAndRetiredAfterCreation) {
  start();
  fixture();
  const std::string id = sneakers_["id"];
  const std::string white42 = sneakers_["variants"][0]["id"];
  // Add one: needs the product version, a valid and unused SKU.
  auto added = ok(send("POST", "/v1/products/" + id + "/variants",
                       Json{{"version", 1}, {"sku", "SNK-1-44-BLK"}, {"size", "44"}, {"color", "Black"},
                            {"price", 2'700'000}}),
                  201);
  EXPECT_EQ(added["version"], 2);
  ASSERT_EQ(added["variants"].size(), 2u);
  EXPECT_EQ(added["variants"][1]["sku"], "SNK-1-44-BLK");
  EXPECT_EQ(added["variants"][1]["price"], 2'700'000);
  const std::string black44 = added["variants"][1]["id"];
  EXPECT_EQ(send("POST", "/v1/products/" + id + "/variants", Json{{"version", 1}, {"sku", "SNK-1-45-BLK"}}).status,
            409) << "stale version";
  auto dup = send("POST", "/v1/products/" + id + "/variants", Json{{"version", 2}, {"sku", "ANK-1-M-RED"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(Json::parse(dup.body)["code"], "duplicate");
  auto bad = send("POST", "/v1/products/" + id + "/variants", Json{{"version", 2}, {"sku", "x"}, {"price", 0}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["errors"].size(), 2u) << bad.body;
  EXPECT_EQ(send("POST", "/v1/products/no-such-id/variants", Json{{"version", 1}, {"sku", "ZZZ-1"}}).status, 404);

  // Change: size, colour, price override; null price falls back to the product price.
  auto changed = ok(send("PATCH", "/v1/products/" + id + "/variants/" + black44,
                         Json{{"version", 2}, {"size", "45"}, {"price", nullptr}}));
  EXPECT_EQ(changed["version"], 3);
  EXPECT_EQ(changed["variants"][1]["size"], "45");
  EXPECT_EQ(changed["variants"][1]["price"], 2'500'000);
  auto skuChange = send("PATCH", "/v1/products/" + id + "/variants/" + black44, Json{{"version", 3}, {"sku", "NEW-1"}});
  EXPECT_EQ(skuChange.status, 400);
  EXPECT_EQ(Json::parse(skuChange.body)["errors"][0]["field"], "sku");
  EXPECT_EQ(send("PATCH", "/v1/products/" + id + "/variants/" + std::string(dress_["variants"][0]["id"]),
                 Json{{"version", 3}, {"size", "S"}})
                .status,
            404) << "a variant of another product";
  EXPECT_EQ(send("PATCH", "/v1/products/" + id + "/variants/" + black44, Json{{"version", 3}, {"status", "gone"}}).status,
            400);
  // The price filter sees the change at once (cache invalidated).
  EXPECT_EQ(ok(get("/v1/products?minPrice=2600000"))["meta"]["total"], 0);

  // Retire: customers no longer see it, staff do, with its status.
  ok(send("PATCH", "/v1/products/" + id + "/variants/" + white42, Json{{"version", 3}, {"status", "archived"}}));
  auto pub = ok(get("/v1/products/lagos-sneakers"));
  ASSERT_EQ(pub["variants"].size(), 1u);
  EXPECT_EQ(pub["variants"][0]["id"], black44);
  EXPECT_EQ(ok(get("/v1/products?size=42"))["meta"]["total"], 0);
  auto staff = ok(get("/v1/products/lagos-sneakers", {kAdmin}));
  ASSERT_EQ(staff["variants"].size(), 2u);
  EXPECT_EQ(staff["variants"][0]["status"], "archived");
  EXPECT_EQ(staff["version"], 4);
}

TEST_P(CatalogServe, WritesReachOtherInstancesWithinASecond) {
  if (GetParam() != Backend::Postgres) GTEST_SKIP() << "two servers share one database on PostgreSQL";
  startTwoInstances();
  ASSERT_FALSE(HasFatalFailure());
  HttpClient& b = *otherClient_;
  ASSERT_EQ(b.get("/v1/products/lagos-sneakers").status, 200);  // now cached on the other instance
  ok(send("PATCH", "/v1/products/" + sneakers_["id"].get<std::string>(), Json{{"version", 1}, {"price", 123'456}}));
  std::this_thread::sleep_for(1100ms);
  auto r = b.get("/v1/products/lagos-sneakers");
  EXPECT_NE(r.body.find("123456"), std::string::npos) << r.body;
  EXPECT_EQ(other_->terminate(), 0);
}

TEST_P(CatalogServe, BadCatalogConfigIsRefusedWithItsLocation) {
  const int port = freePort();
  for (const auto& [yaml, message] : std::vector<std::pair<std::string, std::string>>{
           {"catalog:\n  cacheTl: 5m\n", "catalog.cacheTl: unknown key ("},
           {"catalog:\n  seedDemo: true\n", "catalog.seedDemo: unknown key ("},  // demo.catalogue instead
           {"catalog:\n  cachePollInterval: 5s\n", "catalog.cachePollInterval: must be between 50ms and 1s ("}}) {
    const std::string cfg = dir_.write("bad.yaml", testConfig(dir_, port, {catalogPlugin()}, yaml));
    auto r = runAgape({"serve", "--config", cfg});
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
  }
}

AGAPE_BACKENDS(CatalogServe);

}  // namespace
}  // namespace agape::test
