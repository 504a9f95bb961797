#include "plugins/dependency_order.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "plugins/plugin_error.h"

namespace agape::kernel {
namespace {

using Graph = std::vector<std::vector<std::size_t>>;  // plugin → the plugins it comes after

Graph buildGraph(const std::vector<PluginInfo>& plugins) {
  std::map<std::string_view, std::size_t> indexOf;
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    if (!indexOf.emplace(plugins[i].id, i).second)
      throw PluginError("plugin \"" + plugins[i].id + "\" is enabled twice");
  }
  Graph graph(plugins.size());
  auto addEdge = [&](std::size_t from, std::size_t to) {
    auto& edges = graph[from];
    if (std::find(edges.begin(), edges.end(), to) == edges.end()) edges.push_back(to);
  };
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    for (const auto& dep : plugins[i].dependencies) {
      auto it = indexOf.find(dep);
      if (it == indexOf.end())
        throw PluginError("plugin \"" + plugins[i].id + "\" depends on \"" + dep + "\", which is not enabled");
      addEdge(i, it->second);
    }
    for (const auto& dep : plugins[i].optionalDependencies) {
      auto it = indexOf.find(dep);
      if (it != indexOf.end()) addEdge(i, it->second);
    }
  }
  return graph;
}

// Depth-first search, in declaration order, for a path from `from` back to
// `target` through plugins not yet placed; appends it to `path`.
bool findPathBack(const Graph& graph, const std::vector<bool>& placed, std::size_t from,
                  std::size_t target, std::vector<bool>& visited, std::vector<std::size_t>& path) {
  for (std::size_t next : graph[from]) {
    if (placed[next]) continue;
    if (next == target) {
      path.push_back(next);
      return true;
    }
    if (visited[next]) continue;
    visited[next] = true;
    path.push_back(next);
    if (findPathBack(graph, placed, next, target, visited, path)) return true;
    path.pop_back();
  }
  return false;
}

[[noreturn]] void throwCycle(const std::vector<PluginInfo>& plugins, const Graph& graph,
                             const std::vector<bool>& placed) {
  // Plugins left unplaced either lie on a cycle or depend on one; report the
  // first that lies on one so the message does not depend on map order.
  for (std::size_t start = 0; start < plugins.size(); ++start) {
    if (placed[start]) continue;
    std::vector<bool> visited(plugins.size(), false);
    std::vector<std::size_t> path{start};
    if (!findPathBack(graph, placed, start, start, visited, path)) continue;
    std::string message = "plugin dependency cycle: ";
    for (std::size_t k = 0; k < path.size(); ++k) {
      if (k > 0) message += " -> ";
      message += plugins[path[k]].id;
    }
    throw PluginError(message);
  }
  throw std::logic_error("dependencyOrder: unplaced plugins without a cycle");
}

}  // namespace

std::vector<std::size_t> dependencyOrder(const std::vector<PluginInfo>& plugins) {
  const Graph graph = buildGraph(plugins);
  std::vector<bool> placed(plugins.size(), false);
  std::vector<std::size_t> order;
  order.reserve(plugins.size());
  while (order.size() < plugins.size()) {
    auto ready = [&](std::size_t i) {
      return !placed[i] && std::all_of(graph[i].begin(), graph[i].end(),
                                       [&](std::size_t dep) { return placed[dep]; });
    };
    std::size_t next = 0;
    while (next < plugins.size() && !ready(next)) ++next;
    if (next == plugins.size()) throwCycle(plugins, graph, placed);
    placed[next] = true;
    order.push_back(next);
  }
  return order;
}

}  // namespace agape::kernel
