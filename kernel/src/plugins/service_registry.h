#pragma once
// The kernel side of agape::Services: one registry shared by every plugin of
// a PluginHost. Implementations usually live in plugin libraries, so the host
// clears the registry before it unloads any of them.

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "agape/services.h"

namespace agape::kernel {

class ServiceRegistry final : public agape::Services {
 public:
  // Drops every implementation; services still held by a plugin stay alive
  // through that plugin's own shared_ptr.
  void clear() noexcept;
  // The provided service ids, sorted.
  std::vector<std::string> ids() const;

 protected:
  // Refuses a second provider of the same id and a null implementation.
  void provideRaw(std::string_view id, std::shared_ptr<void> impl) override;
  std::shared_ptr<void> findRaw(std::string_view id) const override;

 private:
  // Plugins look services up from request handlers on many threads.
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<void>, std::less<>> services_;
};

}  // namespace agape::kernel
