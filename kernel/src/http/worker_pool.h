#pragma once
// A fixed pool of threads for blocking work (handlers that touch the DB or
// hash passwords), so that the network threads never wait on them.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agape::kernel {

class WorkerPool {
 public:
  WorkerPool(int threads, std::size_t maxQueued, std::string name);
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping (the caller answers
  // 503 instead of queueing without bound).
  bool submit(std::function<void()> task);
  // Stops taking tasks, runs what is queued, joins the threads.
  void shutdown();
  std::size_t queued() const;
  std::size_t busy() const;
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void loop();
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t maxQueued_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
};

}  // namespace agape::kernel
