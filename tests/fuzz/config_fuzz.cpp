// Arbitrary YAML through the configuration loader and the kernel decoder:
// only ConfigError may come out, never another exception or a crash.
#include <cstdint>
#include <string_view>

#include "config/config_document.h"
#include "config/kernel_config_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    return std::nullopt;
  };
  try {
    auto doc = agape::kernel::ConfigDocument::parse(yaml, "fuzz.yaml", {}, env, "/tmp");
    auto cfg = agape::kernel::decodeKernelConfig(doc);
    std::vector<std::string> ids;
    for (const auto& p : cfg.plugins.enabled) ids.push_back(p.id);
    agape::kernel::checkTopLevelKeys(doc, ids);
  } catch (const agape::ConfigError&) {
  }
  return 0;
}
