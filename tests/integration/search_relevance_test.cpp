// Relevance, judged: queries shoppers type over the demo catalogue
// (misspellings, plurals, synonyms, Yoruba, Hausa and Igbo garment names,
// colour with garment, words half typed), each with what its top three
// results must be. The embedded engine must answer at least 90% of them;
// the database's full-text search is scored on the same set for the record
// (docs/catalog.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/backend_test.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace agape::test {
namespace {

using Json = nlohmann::json;

// What each of the top three results (at least one) must be.
struct Judged {
  std::string query;
  std::optional<std::string> category;  // its category's slug
  std::optional<std::string> nameHas;   // a word of its name (any case)
  std::optional<std::string> colour;    // one of its variants' colours
  std::string kind;                     // for the report
};

Judged inCategory(std::string q, std::string slug, std::string kind, std::optional<std::string> colour = {}) {
  return {std::move(q), std::move(slug), {}, std::move(colour), std::move(kind)};
}
Judged named(std::string q, std::string word, std::string kind, std::optional<std::string> colour = {}) {
  return {std::move(q), {}, std::move(word), std::move(colour), std::move(kind)};
}

const std::vector<Judged>& judgedQueries() {
  static const std::vector<Judged> set = {
      inCategory("ankra", "ankara-dresses", "misspelt"),
      inCategory("agbda", "agbada", "misspelt"),
      inCategory("sneakerz", "sneakers", "misspelt"),
      named("kaftn", "kaftan", "misspelt"),
      inCategory("senatr suit", "senator-suits", "misspelt"),
      inCategory("dashki", "dashiki-shirts", "misspelt"),
      inCategory("lofers", "loafers", "misspelt"),
      inCategory("jewelery", "beads", "misspelt"),
      named("dresses", "dress", "plural"),
      inCategory("sandal", "sandals", "plural"),
      named("kaftans", "kaftan", "plural"),
      named("bangles", "bangle", "plural"),
      named("necklaces", "necklace", "plural"),
      inCategory("trainers", "sneakers", "synonym"),
      inCategory("babariga", "agbada", "synonym"),
      inCategory("head tie", "gele", "synonym"),
      named("wrapper", "iro", "synonym"),
      inCategory("jewelry", "beads", "synonym"),
      inCategory("handbag", "bags", "synonym"),
      named("caftan", "kaftan", "synonym"),
      inCategory("agbada", "agbada", "garment name"),
      named("buba", "buba", "garment name"),
      named("iro", "iro", "garment name"),
      inCategory("gele", "gele", "garment name"),
      inCategory("aso oke", "aso-oke", "garment name"),
      inCategory("asooke", "aso-oke", "garment name"),
      named("isi agu", "isi-agu", "garment name"),
      named("jalabiya", "jalabiya", "garment name"),
      inCategory("dashiki", "dashiki-shirts", "garment name"),
      named("akwete", "akwete", "garment name"),
      named("red dress", "dress", "colour + garment", "Red"),
      inCategory("gold agbada", "agbada", "colour + garment", "Gold"),
      inCategory("white sneakers", "sneakers", "colour + garment", "White"),
      inCategory("emerald gele", "gele", "colour + garment", "Emerald"),
      inCategory("navy senator", "senator-suits", "colour + garment", "Navy"),
      inCategory("sneak", "sneakers", "typing"),
      inCategory("loaf", "loafers", "typing"),
      named("owambe agb", "agbada", "typing"),
      named("lagos runner sneakers", "lagos runner", "exact name"),
  };
  return set;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool meets(const Judged& j, const Json& product) {
  if (j.category && product["category"]["slug"] != *j.category) return false;
  if (j.nameHas && lower(product["name"].get<std::string>()).find(*j.nameHas) == std::string::npos) return false;
  if (j.colour) {
    const auto& variants = product["variants"];
    if (std::none_of(variants.begin(), variants.end(), [&](const Json& v) { return v["color"] == *j.colour; }))
      return false;
  }
  return true;
}

std::string encoded(const std::string& q) {
  std::string out;
  for (char c : q) out += c == ' ' ? std::string("%20") : std::string(1, c);
  return out;
}

class SearchRelevance : public BackendTest {
 protected:
  // The share of the judged queries whose top three meet their judgement.
  double score(const std::string& engine) {
    const int port = freePort();
    const std::string catalog = "catalog:\n  search:\n    engine: " + engine + "\n    synonyms: " + AGAPE_SOURCE_DIR +
                                "/config/synonyms.txt\n";
    const std::string cfg =
        dir_.write(engine + ".yaml", testConfig(dir_, port, {"test.tokens", "test.inventory", catalogPlugin(), "demo"},
                                                catalog, databaseUrl()));
    ServerProcess server({"serve", "--config", cfg, "--set", "logging.accessLog=false"}, port);
    EXPECT_TRUE(server.waitReady()) << server.output();
    HttpClient client(server.base());
    int passed = 0;
    std::ostringstream report;
    for (const Judged& j : judgedQueries()) {
      const auto r = client.get("/v1/products/search?limit=3&q=" + encoded(j.query));
      const Json page = Json::parse(r.body, nullptr, false);
      bool pass = r.status == 200 && page.is_object() && !page["data"].empty();
      std::string top;
      if (pass)
        for (const auto& p : page["data"]) {
          pass = pass && meets(j, p);
          top += (top.empty() ? "" : " | ") + p["name"].get<std::string>();
        }
      passed += pass ? 1 : 0;
      report << "  " << (pass ? "pass" : "FAIL") << "  " << std::left << std::setw(18) << j.kind << std::setw(24)
             << j.query << top << "\n";
    }
    EXPECT_EQ(server.terminate(), 0);
    const double share = static_cast<double>(passed) / static_cast<double>(judgedQueries().size());
    std::cout << engine << ": " << passed << " of " << judgedQueries().size() << " judged queries (" << std::fixed
              << std::setprecision(0) << share * 100 << "%)\n"
              << report.str();
    return share;
  }

  static std::string catalogPlugin() {
    return std::string("{id: catalog, migrations: ") + AGAPE_SOURCE_DIR + "/migrations/catalog}";
  }

  TempDir dir_;
};

TEST_P(SearchRelevance, TheEngineAnswersNineInTenJudgedQueries) {
  EXPECT_GE(judgedQueries().size(), 30u);
  EXPECT_GE(score("xapian"), 0.9);
  score("database");  // for the record
}

AGAPE_BACKENDS(SearchRelevance);

}  // namespace
}  // namespace agape::test
