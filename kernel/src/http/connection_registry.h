#pragma once
// The open client connections, for what Pistache 0.0.5 does not do itself:
// closing connections whose client is silent or too slow (header, body,
// keep-alive and lingering-close deadlines), and keeping the number of
// connections under the file-descriptor limit by shedding the one closest
// to timing out. A sweeper thread checks the deadlines four times a second.
//
// Closing is shutdown(2) on the socket, never close(2): the network thread
// then reads end-of-stream and removes the connection itself. The registry
// forgets a connection (closed()) before Pistache closes its descriptor, and
// touches descriptors only under its mutex, so a descriptor number reused by
// a newer connection is never shut down by mistake.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace agape::kernel {

class ConnectionRegistry {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Reason : std::uint8_t {
    None,
    HeaderTimeout,
    BodyTimeout,
    IdleTimeout,
    Linger,
    Shed,
    Refused,
    Aborted
  };
  static constexpr std::size_t kReasons = 8;
  static const char* reasonName(Reason reason);  // "header_timeout"...

  // One connection's deadline, set by whoever changes its state.
  class Entry {
   public:
    explicit Entry(int fd) : fd_(fd) {}
    // Closed once `at` passes, for `why`.
    void setDeadline(Reason why, Clock::time_point at);
    // No deadline: a request is being answered.
    void clearDeadline() { setDeadline(Reason::None, Clock::time_point::max()); }

   private:
    friend class ConnectionRegistry;
    const int fd_;
    std::atomic<long long> deadline_{std::numeric_limits<long long>::max()};  // steady ns
    std::atomic<Reason> reason_{Reason::None};
    bool open_ = true;  // guarded by the registry's mutex
  };

  // `maxConnections` > 0.
  explicit ConnectionRegistry(int maxConnections);
  ~ConnectionRegistry();
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  // A new connection. At the limit, the waiting connection (idle, or still
  // sending its head) closest to its deadline is closed to make room; when
  // every connection is busy, the new one is refused (shut down at once).
  std::shared_ptr<Entry> open(int fd);
  // The connection is going away; call before its descriptor is closed.
  void closed(const std::shared_ptr<Entry>& entry);
  // The last response is out: tell the client nothing more comes, and close
  // for good after `linger` (or when the client closes first), so a client
  // still sending does not get a reset that destroys the response unread.
  void finish(const std::shared_ptr<Entry>& entry, std::chrono::milliseconds linger);
  // A response cut short (a streamed body that failed or was not read):
  // close now, without lingering, so the client sees the body end early
  // rather than wait for more. `discardUnsent`: drop what the client has not
  // read yet (reset), for a client that stopped reading.
  void abort(const std::shared_ptr<Entry>& entry, bool discardUnsent);
  // Closes every connection whose deadline has passed; returns how many.
  int sweep(Clock::time_point now);

  void startSweeper(std::chrono::milliseconds every = std::chrono::milliseconds(250));
  void stopSweeper();

  int limit() const { return maxConnections_; }
  std::size_t size() const;
  long long closedFor(Reason reason) const { return closedFor_[static_cast<std::size_t>(reason)].load(); }

 private:
  void shutDown(Entry& entry, Reason why, int how);  // with mutex_ held

  const int maxConnections_;
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Entry>> open_;  // guarded by mutex_
  std::array<std::atomic<long long>, kReasons> closedFor_{};

  std::mutex sweeperMutex_;
  std::condition_variable sweeperCv_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace agape::kernel
