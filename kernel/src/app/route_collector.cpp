#include "app/route_collector.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace agape::kernel {

void RouteCollector::add(Method method, std::string pathTemplate, Handler handler, RouteOptions options) {
  std::string what = std::string(methodName(method)) + " " + pathTemplate;
  if (!open_)
    throw std::logic_error("plugin \"" + pluginId_ + "\" added route " + what + " after provision; routes are frozen");
  if (!handler) throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " has no handler");
  for (const std::string* schema : {&options.requestSchema, &options.responseSchema}) {
    if (!schema->empty() && !nlohmann::json::accept(*schema))
      throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " has a schema that is not JSON");
  }
  for (std::size_t i = 0; i < options.query.size(); ++i) {
    const QueryParam& q = options.query[i];
    if (q.name.empty())
      throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " has a query parameter without a name");
    if (q.type != "string" && q.type != "integer" && q.type != "number" && q.type != "boolean")
      throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + ", query parameter \"" + q.name +
                                  "\": type must be string, integer, number or boolean");
    for (std::size_t j = 0; j < i; ++j)
      if (options.query[j].name == q.name)
        throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what + " declares query parameter \"" +
                                    q.name + "\" twice");
  }
  if (options.contract && (!options.requestSchema.empty() || !options.responseSchema.empty() || !options.query.empty()))
    throw std::invalid_argument("plugin \"" + pluginId_ + "\": route " + what +
                                " has a contract: its schemas and query come from it alone");
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
