// An invoice rendered (libharu, DejaVu Sans embedded): what the order.paid
// subscriber spends per paid order, and the GET when the store lost it.
#include <benchmark/benchmark.h>

#include <string>

#include "invoice.h"
#include "orders_config.h"

namespace {

using namespace agape::orders;

Order invoiceOrder(int lines, const std::string& name = "Àdìrẹ Wrap Dress") {
  Order order{.id = "0193a8f0-0000-7000-8000-000000000001", .number = "AG-261124-7K3QX9", .status = Status::Paid};
  order.createdAt = agape::Timestamp{1'764'000'000'000};
  order.shippingMethod = "standard";
  order.shippingAddress = {.fullName = "Adéọlá Ọ̀ṣun", .phone = "08035550101", .line1 = "12 Ƙofar Ɗan Agundi",
                           .city = "Kano", .state = "Kano"};
  order.totals = {.subtotal = 1'500'000LL * lines, .shipping = 250'000, .tax = 0, .total = 1'500'000LL * lines + 250'000,
                  .currency = "NGN", .taxInclusive = true};
  for (int i = 0; i < lines; ++i)
    order.items.push_back({.sku = "ANK-" + std::to_string(i), .productName = name, .size = "M",
                           .quantity = 1, .unitPrice = 1'500'000, .lineTotal = 1'500'000});
  return order;
}

void BM_RenderInvoice(benchmark::State& state) {
  const Order order = invoiceOrder(static_cast<int>(state.range(0)));
  const std::string font = OrdersConfig().invoiceFont;
  std::size_t bytes = 0;
  for (auto _ : state) bytes = renderInvoice(order, "Adire House", font).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderInvoice)->Arg(2)->Arg(30)->Unit(benchmark::kMillisecond);

// 30 lines whose names are as long as the catalogue allows (200
// characters): each is cut to its column with "…".
void BM_RenderInvoiceLongNames(benchmark::State& state) {
  std::string name;
  while (name.size() < 190) name += "Ẹ̀wù Àdìrẹ ";
  const Order order = invoiceOrder(30, name);
  const std::string font = OrdersConfig().invoiceFont;
  for (auto _ : state) benchmark::DoNotOptimize(renderInvoice(order, "Adire House", font));
}
BENCHMARK(BM_RenderInvoiceLongNames)->Unit(benchmark::kMillisecond);

}  // namespace
