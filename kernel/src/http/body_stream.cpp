#include "http/body_stream.h"

#include <algorithm>
#include <cstdio>

namespace agape::kernel {

BodyStream::BodyStream(StreamSink& sink, std::string head, Framing framing,
                       std::chrono::milliseconds sendTimeout, std::size_t chunkBytes)
    : sink_(sink),
      head_(std::move(head)),
      framing_(framing),
      sendTimeout_(sendTimeout),
      chunkBytes_(chunkBytes) {
  buffer_.reserve(chunkBytes_);
}

// A send still in flight keeps only the gate alive, never the stream.
BodyStream::~BodyStream() = default;

void BodyStream::write(std::string_view bytes) {
  if (gate_->failed.load(std::memory_order_acquire)) fail();
  while (!bytes.empty()) {
    const std::size_t take = std::min(bytes.size(), chunkBytes_ - buffer_.size());
    buffer_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (buffer_.size() == chunkBytes_) send(false);
  }
}

void BodyStream::finish() {
  send(true);
  awaitSent();
}

void BodyStream::cancel(const std::string& why) {
  {
    std::lock_guard lock(gate_->mutex);
    if (gate_->gone.empty()) gate_->gone = why;
    gate_->failed.store(true, std::memory_order_release);
  }
  gate_->cv.notify_all();
}

void BodyStream::send(bool last) {
  awaitSent();  // the previous chunk is out: at most one in flight
  std::string out;
  out.reserve(head_.size() + buffer_.size() + 32);
  out += head_;
  head_.clear();
  if (framing_ == Framing::Chunked) {
    if (!buffer_.empty()) {
      char size[24];
      const int n = std::snprintf(size, sizeof size, "%zx\r\n", buffer_.size());
      out.append(size, static_cast<std::size_t>(n));
      out += buffer_;
      out += "\r\n";
    }
    if (last) out += "0\r\n\r\n";
  } else if (framing_ == Framing::UntilClose) {
    out += buffer_;
  }
  bytes_ += buffer_.size();
  buffer_.clear();
  started_ = true;
  if (out.empty()) return;
  {
    std::lock_guard lock(gate_->mutex);
    gate_->inFlight = true;
  }
  sentAt_ = std::chrono::steady_clock::now();
  sink_.send(std::move(out), [gate = gate_](bool written) {
    {
      std::lock_guard lock(gate->mutex);
      gate->inFlight = false;
      if (!written && gate->gone.empty()) {
        gate->gone = "the response could not be written";
        gate->failed.store(true, std::memory_order_release);
      }
    }
    gate->cv.notify_all();
  });
}

void BodyStream::awaitSent() {
  std::unique_lock lock(gate_->mutex);
  const bool settled = gate_->cv.wait_until(lock, sentAt_ + sendTimeout_,
                                            [this] { return !gate_->inFlight || !gate_->gone.empty(); });
  if (!settled) {
    timedOut_ = true;
    gate_->gone = "the client read nothing for " + std::to_string(sendTimeout_.count()) + " ms";
    gate_->failed.store(true, std::memory_order_release);
  }
  if (!gate_->gone.empty()) {
    lock.unlock();
    fail();
  }
}

void BodyStream::fail() {
  std::string why;
  {
    std::lock_guard lock(gate_->mutex);
    why = gate_->gone;
  }
  throw ClientGone(why);
}

}  // namespace agape::kernel
