#include "plugins/service_registry.h"

#include <mutex>
#include <stdexcept>

namespace agape::kernel {

void ServiceRegistry::clear() noexcept {
  // Released outside the lock: a service's destructor may look up others.
  std::map<std::string, std::shared_ptr<void>, std::less<>> released;
  {
    std::unique_lock lock(mutex_);
    released.swap(services_);
  }
}

std::vector<std::string> ServiceRegistry::ids() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(services_.size());
  for (const auto& [id, impl] : services_) out.push_back(id);
  return out;
}

void ServiceRegistry::provideRaw(std::string_view id, std::shared_ptr<void> impl) {
  if (!impl) throw std::logic_error("service \"" + std::string(id) + "\": cannot provide a null implementation");
  std::unique_lock lock(mutex_);
  auto [it, inserted] = services_.try_emplace(std::string(id), std::move(impl));
  if (!inserted) throw std::logic_error("service \"" + std::string(id) + "\" is already provided");
}

std::shared_ptr<void> ServiceRegistry::findRaw(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto it = services_.find(id);
  return it == services_.end() ? nullptr : it->second;
}

}  // namespace agape::kernel
