#include "plugins/plugin_library.h"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <system_error>

#include "agape/version.h"
#include "plugins/plugin_error.h"

namespace agape::kernel {
namespace {

constexpr const char* kEntryPoint = AGAPE_DETAIL_STR(AGAPE_PLUGIN_ENTRY);

std::string inQuotes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

// The file names tried for a plugin id, in order.
std::vector<std::string> libraryNames(std::string_view id) {
  std::string agapeName(id);
  for (char& c : agapeName)
    if (c == '.') c = '_';
  return {"libagape_" + agapeName + ".so", "lib" + std::string(id) + ".so"};
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string locatePluginLibrary(const PluginEntry& entry, const std::vector<std::string>& searchPaths) {
  if (!entry.file.empty()) return entry.file;
  const std::vector<std::string> names = libraryNames(entry.id);
  for (const auto& dir : searchPaths) {
    for (const auto& name : names) {
      std::error_code ec;
      auto candidate = std::filesystem::path(dir) / name;
      if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    }
  }
  const std::string where =
      searchPaths.empty() ? "no directory (plugins.paths is empty)" : joined(searchPaths);
  throw PluginError("plugin " + inQuotes(entry.id) + ": library not found (looked for " + joined(names) +
                    " in " + where + ")");
}

PluginLibrary PluginLibrary::open(const std::string& expectedId, const std::string& path) {
  boost::dll::shared_library library;
  std::error_code ec;
  // Resolving every symbol now turns a plugin built against another SDK
  // into a load error instead of a crash on first call.
  library.load(path, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec || !library.is_loaded()) {
    // Boost.DLL leaves dlerror() untouched after a failed dlopen; its text
    // says what is wrong (missing file, bad ELF, undefined symbol).
    const char* why = ::dlerror();
    throw PluginError("plugin " + inQuotes(expectedId) + ": cannot load " + path + ": " +
                      (why ? std::string(why) : ec.message()));
  }
  if (!library.has(kEntryPoint))
    throw PluginError(path + ": not an Agape plugin (no " + kEntryPoint + " entry point)");

  const agape::PluginDescriptor* descriptor =
      library.get<const agape::PluginDescriptor*()>(kEntryPoint)();
  const std::string where = "plugin " + inQuotes(expectedId) + " (" + path + "): ";
  if (descriptor == nullptr) throw PluginError(where + "the entry point returned no descriptor");
  // Only the first member's layout is stable across ABI versions, so nothing
  // else is read before it matches.
  if (descriptor->abiVersion != agape::kAbiVersion)
    throw PluginError(where + "ABI version " + std::to_string(descriptor->abiVersion) + " instead of " +
                      std::to_string(agape::kAbiVersion) + "; rebuild it against Agape SDK " +
                      AGAPE_SDK_VERSION);
  if (!descriptor->buildSignature || !descriptor->id || !descriptor->version || !descriptor->sdkVersion ||
      !descriptor->create)
    throw PluginError(where + "incomplete descriptor");
  if (std::strcmp(descriptor->buildSignature, AGAPE_BUILD_SIGNATURE) != 0)
    throw PluginError(where + "is not binary compatible: built as " + inQuotes(descriptor->buildSignature) +
                      ", the kernel is " + inQuotes(AGAPE_BUILD_SIGNATURE));
  if (expectedId != descriptor->id)
    throw PluginError("plugin " + inQuotes(expectedId) + ": the library " + path + " holds plugin " +
                      inQuotes(descriptor->id));
  return PluginLibrary(std::move(library), descriptor, path);
}

PluginInfo PluginLibrary::info() const {
  PluginInfo info;
  info.id = descriptor_->id;
  info.version = descriptor_->version;
  info.sdkVersion = descriptor_->sdkVersion;
  info.path = path_;
  for (const char* const* dep = descriptor_->dependencies; dep && *dep; ++dep) {
    std::string_view name(*dep);
    if (name.starts_with('?'))
      info.optionalDependencies.emplace_back(name.substr(1));
    else
      info.dependencies.emplace_back(name);
  }
  return info;
}

}  // namespace agape::kernel
