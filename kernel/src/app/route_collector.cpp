#include "app/route_collector.h"

#include <stdexcept>

namespace agape::kernel {

void RouteCollector::add(Method method, std::string pathTemplate, Handler handler, RouteOptions options) {
  std::string what = std::string(methodName(method)) + " " + pathTemplate;
  if (!open_)
    throw std::logic_error("plugin \"" + pluginId_ + "\" added route " + what + " after provision; routes are frozen");
  if (!handler) throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " has no handler");
  if (options.access == Access::Owner && !options.contract)
    throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what +
                                " is for an object's owner: declare it with a Contract (its handler calls "
                                "Call::authorizeOwner)");
  if (options.access == Access::Roles && options.roles.empty())
    throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " requires roles but names none");
  Route r;
  r.method = method;
  r.pathTemplate = std::move(pathTemplate);
  r.handler = std::move(handler);
  r.options = std::move(options);
  r.pluginId = pluginId_;
  table_.add(std::move(r));
}

}  // namespace agape::kernel
