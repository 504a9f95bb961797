#pragma once
// Keeps the in-memory revocation list in step with auth_sessions, for
// sessions revoked by other server instances; and, every auth.keysReload,
// the signing keys in step with keysDir (rotation without a restart).

#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth_runtime.h"

namespace agape::auth {

class RevocationPoller {
 public:
  explicit RevocationPoller(AuthRuntime& rt) : rt_(rt) {}
  ~RevocationPoller() { stop(); }
  // One synchronous load (so a restarted instance refuses revoked sessions
  // from its first request), then a background thread.
  void start();
  void stop() noexcept;
  void pollOnce();

 private:
  AuthRuntime& rt_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  void reloadKeysIfDue();
  bool failing_ = false;  // the poller thread's own: logged once per failure streak
  std::chrono::steady_clock::time_point nextKeysReload_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace agape::auth
