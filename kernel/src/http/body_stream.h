#pragma once
// The BodyWriter a streamed response's producer writes to: it frames the
// body (chunked, or delimited by the close for HTTP/1.0), sends it a chunk at
// a time with the response head in front of the first, and keeps at most one
// chunk in flight, so a slow client slows the producer down instead of
// filling memory. Free of Pistache (the connection is a StreamSink), so its
// framing and waiting are unit-testable.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "agape/http.h"

namespace agape::kernel {

// Where the bytes go: the client connection.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues `bytes` for the client and calls `done` once, from any thread:
  // true when they were all handed to the socket, false when they never
  // will be. `done` may also never be called (a connection dropped without
  // a word); the stream's timeout and cancel() cover that.
  virtual void send(std::string bytes, std::function<void(bool written)> done) = 0;
};

class BodyStream final : public BodyWriter {
 public:
  enum class Framing {
    Chunked,     // HTTP/1.1: Transfer-Encoding: chunked, ends with the last chunk
    UntilClose,  // HTTP/1.0: raw bytes; the connection's close ends the body
    None,        // HEAD: the head only
  };
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  // `head` is the status line and headers, blank line included; it goes out
  // with the first chunk. A chunk not written within `sendTimeout` of being
  // sent means the client stopped reading.
  BodyStream(StreamSink& sink, std::string head, Framing framing, std::chrono::milliseconds sendTimeout,
             std::size_t chunkBytes = kChunkBytes);
  ~BodyStream() override;
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  // Throws ClientGone (see BodyWriter).
  void write(std::string_view bytes) override;
  // The producer returned: sends what is buffered and the end of the body,
  // and waits until that is written. Throws ClientGone.
  void finish();
  // Any thread: nobody will read any more (the client left, the server is
  // stopping). A write() waiting or to come throws ClientGone(why).
  void cancel(const std::string& why);

  // The head was sent: a failure can no longer be answered with a status.
  bool started() const { return started_; }
  // Body bytes handed to the connection (framing not counted).
  std::size_t bytes() const { return bytes_; }
  // It failed because a chunk was not written within sendTimeout.
  bool timedOut() const { return timedOut_; }

 private:
  // Shared with the sink's callbacks, which may outlive the stream.
  struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool inFlight = false;
    std::string gone;                 // why nobody reads any more; empty while all is well
    std::atomic<bool> failed{false};  // gone is set: read without the lock on every write
  };
  void send(bool last);
  void awaitSent();  // throws ClientGone
  [[noreturn]] void fail();

  StreamSink& sink_;
  std::string head_;
  const Framing framing_;
  const std::chrono::milliseconds sendTimeout_;
  const std::size_t chunkBytes_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::string buffer_;
  std::chrono::steady_clock::time_point sentAt_;
  std::size_t bytes_ = 0;
  bool started_ = false;
  bool timedOut_ = false;
};

}  // namespace agape::kernel
