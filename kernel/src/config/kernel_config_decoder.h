#pragma once
// Strict decoding of the kernel's own sections of a ConfigDocument, and the
// check that nothing else sits at the top level except enabled plugins'
// sections (which the plugins decode themselves).

#include <string>
#include <string_view>
#include <vector>

#include "config/config_document.h"
#include "config/kernel_config.h"

namespace agape::kernel {

// The top-level keys that belong to the kernel.
const std::vector<std::string>& kernelSectionNames();

// Whether `id` matches ^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$.
bool isValidPluginId(std::string_view id);

// Decodes environment, dataDir, server, database, logging and plugins.
// Unknown keys and bad values inside them are agape::ConfigError naming the
// full key path and its location. Every relative path (dataDir,
// plugins.paths, plugins.migrationPaths, an entry's file and migrations, a
// relative sqlite:// file) is resolved against doc.baseDir() and
// normalised. Plugin sections are left alone.
KernelConfig decodeKernelConfig(const ConfigDocument& doc);

// Refuses any top-level key that is neither a kernel section nor the id of
// an enabled plugin:
//   "<key>: unknown key (not a kernel section nor an enabled plugin) (<location>)".
void checkTopLevelKeys(const ConfigDocument& doc, const std::vector<std::string>& enabledPluginIds);

}  // namespace agape::kernel
