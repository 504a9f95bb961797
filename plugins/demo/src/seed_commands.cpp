#include "seed_commands.h"

#include <agape/media/media_library.h>

#include "demo_pictures.h"

#include <chrono>
#include <ostream>
#include <stdexcept>
#include <string>

#include "bench_catalogue.h"
#include "demo_catalogue.h"

namespace agape::demo {
namespace {

constexpr const char* kSeedDemoHelp =
    "Usage: agape seed demo\n\n"
    "Loads the demo fashion catalogue (203 products in 14 categories, sizes and colours) into an empty\n"
    "catalogue. With products already present it changes nothing and says so. Deterministic: the same\n"
    "ids, slugs and SKUs on every database.\n";

constexpr const char* kSeedBenchHelp =
    "Usage: agape seed bench --products N\n\n"
    "Generates a deterministic catalogue of N products (1..1000000) with three variants each, for load\n"
    "benchmarks, into an empty catalogue (it refuses otherwise). 10,000 products load in seconds.\n";

void report(const CommandIo& io, const SeedResult& r, std::chrono::steady_clock::duration took) {
  io.out << "loaded " << r.categories << " categories, " << r.products << " products and " << r.variants
         << " variants in " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

}  // namespace

void addSeedCommands(Commands& commands, Database& db, const SeedServices& services) {
  commands.add("seed demo", kSeedDemoHelp, [&db, &services](const CommandIo& io) {
    if (!io.args.empty()) {
      io.err << "agape: unexpected argument " << io.args.front() << "\n\n" << kSeedDemoHelp;
      return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const catalog::CatalogImport& catalog = *services.catalog;
    const SeedResult r = db.run([&](Tx& tx) { return seedDemoCatalogue(tx, catalog); });
    const int dressed = services.media ? dressDemoProducts(db, catalog, *services.media) : 0;
    if (dressed > 0) io.out << "gave " << dressed << " demo products pictures\n";
    if (r.products == 0) {
      io.out << "the catalogue already has products; nothing loaded\n";
      return 0;
    }
    catalog.refreshStatistics(db);
    report(io, r, std::chrono::steady_clock::now() - t0);
    return 0;
  });

  commands.add("seed bench", kSeedBenchHelp, [&db, &services](const CommandIo& io) {
    int products = 0;
    for (std::size_t i = 0; i < io.args.size(); ++i) {
      if (io.args[i] == "--products" && i + 1 < io.args.size()) {
        const std::string& v = io.args[++i];
        std::size_t used = 0;
        try {
          products = std::stoi(v, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != v.size() || products < 1 || products > 1'000'000) {
          io.err << "agape: --products must be a whole number from 1 to 1000000\n\n" << kSeedBenchHelp;
          return 2;
        }
      } else {
        io.err << "agape: unexpected argument " << io.args[i] << "\n\n" << kSeedBenchHelp;
        return 2;
      }
    }
    if (products == 0) {
      io.err << "agape: --products is required\n\n" << kSeedBenchHelp;
      return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const catalog::CatalogImport& catalog = *services.catalog;
      const SeedResult r = db.run([&](Tx& tx) { return seedBenchCatalogue(tx, catalog, products); });
      catalog.refreshStatistics(db);
      report(io, r, std::chrono::steady_clock::now() - t0);
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const DbError*>(&e)) throw;  // the kernel reports database failures
      io.err << "agape: " << e.what() << "\n";
      return 1;
    }
    return 0;
  });
}

}  // namespace agape::demo
