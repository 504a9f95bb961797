#pragma once
// Product and variant rows as the catalogue's queries return them, for the
// renderer's tests and benchmarks: images by URL and from the media
// library, null sizes and colours, text that needs escaping.
#include <memory>
#include <string>
#include <vector>

#include "product_view.h"

namespace agape::catalog {

inline ProductRows sampleProductRows(int products) {
  auto productColumns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{
      "id", "slug", "name", "description", "price", "images", "status", "version", "created_at", "category_id",
      "category_slug", "category_name"});
  auto variantColumns = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"id", "product_id", "sku", "size", "color", "status", "price", "available"});
  ProductRows rows;
  for (int i = 0; i < products; ++i) {
    const std::string n = std::to_string(i);
    const std::string id = "018f3c2a-7b1e-7a3c-9d4e-5f6a7b8c9d" + n;
    const std::string images =
        i % 2 ? R"([{"alt":"Àdìrẹ \"maxi\"","publicId":"shop/adire-)" + n + R"(","url":"https://img.example/adire-)" + n +
                    R"(.jpg"}])"
              : R"([{"alt":"Ankara","height":1200,"mediaId":"m-)" + n +
                    R"(","publicId":"catalog/ankara","thumbnailUrl":"https://img.example/t.jpg","url":"https://img.example/a.jpg","width":900}])";
    rows.products.emplace_back(
        productColumns,
        std::vector<Value>{Value(id), Value("ankara-wrap-dress-" + n), Value("Ankara Wrap Dress — Ẹwà " + n),
                           Value(std::string("A bright wrap dress in ankara print.\nMade in Lagos.")),
                           Value(1'500'000LL + i), Value(images), Value(std::string("active")), Value(3LL),
                           Value(1795515300000LL + i), Value(std::string("cat-dresses")),
                           Value(std::string("dresses")), Value(std::string("Dresses"))});
    for (int v = 0; v < 3; ++v)
      rows.variants.emplace_back(
          variantColumns,
          std::vector<Value>{Value(id + "-v" + std::to_string(v)), Value(id),
                             Value("ANK-" + n + "-" + std::to_string(v)),
                             v == 2 ? Value(nullptr) : Value(std::string(v ? "XL" : "M")),
                             v == 2 ? Value(nullptr) : Value(std::string("Red")), Value(std::string("active")),
                             Value(1'500'000LL), v ? Value(nullptr) : Value(4LL)});
  }
  return rows;
}

}  // namespace agape::catalog
