#pragma once
// A fixed pool of threads for blocking work (handlers that touch the DB or
// hash passwords), so that the network threads never wait on them. A task
// that waits in the queue longer than `maxWait` is not run: its `expire`
// callback answers instead (503, on a watchdog thread, even when every
// worker is stuck), so a stalled database turns into quick refusals rather
// than a queue that answers nobody.

#include <chrono>
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
  // `maxWait` 0: tasks wait as long as it takes.
  WorkerPool(int threads, std::size_t maxQueued, std::string name,
             std::chrono::milliseconds maxWait = std::chrono::milliseconds(0));
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping (the caller answers
  // 503 instead of queueing without bound). `expire` runs instead of `run`
  // when the task waited longer than maxWait.
  bool submit(std::function<void()> run, std::function<void()> expire = {});
  // Stops taking tasks, runs what is queued, joins the threads.
  void shutdown();
  std::size_t queued() const;
  std::size_t busy() const;
  long long expired() const;  // tasks answered by `expire`
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  struct Task {
    std::function<void()> run, expire;
    std::chrono::steady_clock::time_point queuedAt;
  };
  void loop();
  void expireLoop();
  mutable std::mutex mutex_;
  std::condition_variable cv_;      // workers: a task came, or stopping
  std::condition_variable stopCv_;  // the watchdog: stopping
  std::deque<Task> queue_;
  std::vector<std::thread> threads_;
  const std::size_t maxQueued_;
  const std::chrono::milliseconds maxWait_;
  std::size_t busy_ = 0;
  long long expired_ = 0;
  bool stopping_ = false;
};

}  // namespace agape::kernel
