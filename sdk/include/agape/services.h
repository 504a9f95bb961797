#pragma once
// A typed registry of services plugins offer each other. A service is a
// pure-virtual interface with a `static constexpr std::string_view
// kServiceId` member, published in the providing plugin's include/ folder.

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace agape {

class Services {
 public:
  virtual ~Services() = default;

  // Publish an implementation; a second provider of the same id is refused.
  // OWNERSHIP: the registry holds the pointer until every plugin has stopped
  // and drops it before any plugin library is unloaded.
  template <class T>
  void provide(std::shared_ptr<T> impl) {
    provideRaw(T::kServiceId, std::static_pointer_cast<void>(std::move(impl)));
  }

  // nullptr when no enabled plugin provides it (an optional dependency).
  template <class T>
  std::shared_ptr<T> find() const {
    return std::static_pointer_cast<T>(findRaw(T::kServiceId));
  }

  // Throws std::logic_error naming the service when it is absent.
  template <class T>
  T& get() const {
    auto p = find<T>();
    if (!p) throw std::logic_error("service not provided: " + std::string(T::kServiceId));
    return *p;
  }

 protected:
  virtual void provideRaw(std::string_view id, std::shared_ptr<void> impl) = 0;
  virtual std::shared_ptr<void> findRaw(std::string_view id) const = 0;
};

}  // namespace agape
