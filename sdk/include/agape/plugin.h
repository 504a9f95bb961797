#pragma once
// A plugin is one class implementing agape::Plugin in one shared library,
// exported with AGAPE_PLUGIN. Lifecycle, driven by the kernel in dependency
// order:
//   construct (no side effects) → configure (strict decode of its YAML
//   section) → provision (routes, services, subscriptions) → validate →
//   start → ... → stop (reverse order).
// stop() is called only for plugins whose start() returned; the destructor
// must be safe after a partial provision.

#include <memory>

#include "agape/version.h"

namespace agape {

class ConfigView;
class Context;

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Decode and check this plugin's section (`<id>:` in the YAML) with a
  // ConfigDecoder; throw ConfigError on anything unknown or invalid. The
  // default accepts only an absent or empty section.
  virtual void configure(const ConfigView& section);
  virtual void provision(Context& ctx) = 0;
  // Cross-plugin checks once every plugin has provisioned (e.g. required
  // services present).
  virtual void validate(Context& ctx) {}
  virtual void start(Context& ctx) {}
  virtual void stop() noexcept {}
};

// What the loader reads first from a plugin library. The layout of the first
// member never changes, so an old or new plugin can always be told apart.
struct PluginDescriptor {
  unsigned abiVersion;
  const char* sdkVersion;
  const char* buildSignature;
  const char* id;       // lowercase, plain or dotted: "payments", "acme.loyalty"
  const char* version;  // the plugin's own semantic version
  // nullptr-terminated; "?name" marks an optional dependency (ordered after
  // it when enabled, fine without it).
  const char* const* dependencies;
  std::unique_ptr<Plugin> (*create)();
};

}  // namespace agape

#define AGAPE_PLUGIN_ENTRY agape_plugin_descriptor

// AGAPE_PLUGIN(MyPlugin, "acme.loyalty", "1.2.0", "auth", "?catalog")
#define AGAPE_PLUGIN(Class, Id, Version, ...)                                               \
  extern "C" __attribute__((visibility("default"))) const ::agape::PluginDescriptor*        \
  AGAPE_PLUGIN_ENTRY() {                                                                    \
    static const char* const deps[] = {__VA_ARGS__ __VA_OPT__(, ) nullptr};                 \
    static const ::agape::PluginDescriptor descriptor{                                      \
        ::agape::kAbiVersion, AGAPE_SDK_VERSION, AGAPE_BUILD_SIGNATURE, Id, Version, deps, \
        []() -> std::unique_ptr<::agape::Plugin> { return std::make_unique<Class>(); }};     \
    return &descriptor;                                                                     \
  }
