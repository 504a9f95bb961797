// A streamed body's own cost per chunk (framing, the wait for the write in
// flight, the wake-up), without sockets: the sink completes each send on a
// second thread, as Pistache's network thread does. The whole server over
// loopback is measured with curl (docs/performance.md, "Streamed responses").
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "http/body_stream.h"

using namespace agape::kernel;

namespace {

// Completes every send on its own thread, in order.
class ThreadSink final : public StreamSink {
 public:
  ThreadSink()
      : thread_([this] {
          std::unique_lock lock(mutex_);
          for (;;) {
            cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
            if (pending_.empty()) return;
            auto done = std::move(pending_.front());
            pending_.pop_front();
            lock.unlock();
            done(true);
            lock.lock();
          }
        }) {}
  ~ThreadSink() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void send(std::string bytes, std::function<void(bool)> done) override {
    benchmark::DoNotOptimize(bytes.data());
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(done));
    }
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void(bool)>> pending_;
  bool stop_ = false;
  std::thread thread_;
};

// One 8 MiB body written in pieces of range(0) bytes (a CSV line is ~100).
void BM_StreamedBody(benchmark::State& state) {
  const std::size_t piece = static_cast<std::size_t>(state.range(0));
  const std::size_t total = 8 << 20;
  const std::string line(piece, 'x');
  ThreadSink sink;
  for (auto _ : state) {
    BodyStream body(sink, "HTTP/1.1 200 OK\r\n\r\n", BodyStream::Framing::Chunked, std::chrono::seconds(30));
    for (std::size_t sent = 0; sent < total; sent += piece) body.write(line);
    body.finish();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total));
}
BENCHMARK(BM_StreamedBody)->Arg(100)->Arg(65536)->Unit(benchmark::kMillisecond);

}  // namespace
