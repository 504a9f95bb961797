#include "http/worker_pool.h"

#include <pthread.h>

#include <algorithm>

#include "log/log.h"

namespace agape::kernel {
namespace {

void runLogged(const std::function<void()>& task) {
  try {
    task();
  } catch (const std::exception& e) {
    JsonLogger("worker").error("task failed", {{"error", e.what()}});
  }
}

}  // namespace

WorkerPool::WorkerPool(int threads, std::size_t maxQueued, std::string name,
                       std::chrono::milliseconds maxWait)
    : maxQueued_(maxQueued), maxWait_(maxWait) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { loop(); });
    std::string n = (name + "-" + std::to_string(i)).substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), n.c_str());
  }
  if (maxWait_.count() > 0) {
    threads_.emplace_back([this] { expireLoop(); });
    pthread_setname_np(threads_.back().native_handle(), (name.substr(0, 10) + "-late").c_str());
  }
}

WorkerPool::~WorkerPool() { shutdown(); }

bool WorkerPool::submit(std::function<void()> run, std::function<void()> expire) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= maxQueued_) return false;
    queue_.push_back(Task{std::move(run), std::move(expire), std::chrono::steady_clock::now()});
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  stopCv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

long long WorkerPool::expired() const {
  std::lock_guard lock(mutex_);
  return expired_;
}

void WorkerPool::loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front().run);
      queue_.pop_front();
      ++busy_;
    }
    runLogged(task);
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

// Answers the tasks that waited too long, oldest first, without waiting for
// a worker to come free (every worker may be stuck behind a held lock).
void WorkerPool::expireLoop() {
  const auto tick = std::clamp(maxWait_ / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    stopCv_.wait_for(lock, tick);
    std::vector<std::function<void()>> late;
    const auto cutoff = std::chrono::steady_clock::now() - maxWait_;
    for (auto it = queue_.begin(); it != queue_.end() && it->queuedAt < cutoff;) {
      if (it->expire) {
        late.push_back(std::move(it->expire));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    if (late.empty()) continue;
    expired_ += static_cast<long long>(late.size());
    lock.unlock();
    for (const auto& task : late) runLogged(task);
    lock.lock();
  }
}

}  // namespace agape::kernel
