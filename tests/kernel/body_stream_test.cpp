// The streamed body's framing and backpressure, against a fake connection
// (StreamSink) that completes its sends when the test says so.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/body_stream.h"

using namespace agape;
using namespace agape::kernel;
using namespace std::chrono_literals;
using Framing = BodyStream::Framing;

namespace {

// Records every send. Immediate: each send is written at once. Otherwise the
// test completes them (complete()), or never does.
class FakeSink final : public StreamSink {
 public:
  explicit FakeSink(bool immediate = true) : immediate_(immediate) {}
  void send(std::string bytes, std::function<void(bool)> done) override {
    {
      std::lock_guard lock(mutex_);
      sent.push_back(std::move(bytes));
      if (!immediate_) pending_.push_back(std::move(done));
    }
    cv_.notify_all();
    if (immediate_) done(true);
  }
  void complete(bool written) {
    std::function<void(bool)> done;
    {
      std::lock_guard lock(mutex_);
      done = std::move(pending_.front());
      pending_.pop_front();
    }
    done(written);
  }
  void awaitSends(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return sent.size() >= n; });
  }
  std::size_t sends() {
    std::lock_guard lock(mutex_);
    return sent.size();
  }
  std::string all() const {
    std::string out;
    for (const auto& s : sent) out += s;
    return out;
  }
  std::vector<std::string> sent;

 private:
  const bool immediate_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void(bool)>> pending_;
};

}  // namespace

TEST(BodyStream, TheHeadGoesWithTheFirstChunkAndTheLastChunkEndsTheBody) {
  FakeSink sink;
  BodyStream body(sink, "HEAD\r\n\r\n", Framing::Chunked, 1s, 8);
  body.write("abcdefghij");
  body.write("kl");
  body.finish();
  ASSERT_EQ(sink.sent.size(), 2u);
  EXPECT_EQ(sink.sent[0], "HEAD\r\n\r\n8\r\nabcdefgh\r\n");
  EXPECT_EQ(sink.sent[1], "4\r\nijkl\r\n0\r\n\r\n");
  EXPECT_EQ(body.bytes(), 12u);
}

TEST(BodyStream, NothingIsSentBeforeAChunkFillsSoAnEarlyFailureCanStillBeAnswered) {
  FakeSink sink;
  BodyStream body(sink, "HEAD\r\n\r\n", Framing::Chunked, 1s, 8);
  body.write("abc");
  EXPECT_TRUE(sink.sent.empty());
  EXPECT_FALSE(body.started());
  body.write("defgh");
  EXPECT_TRUE(body.started());
}

TEST(BodyStream, ASmallBodyGoesOutInOneSend) {
  FakeSink sink;
  BodyStream body(sink, "H\r\n\r\n", Framing::Chunked, 1s);
  body.write("hello");
  body.finish();
  EXPECT_EQ(sink.sent, std::vector<std::string>{"H\r\n\r\n5\r\nhello\r\n0\r\n\r\n"});
}

TEST(BodyStream, AnHttp10BodyIsRawAndEndsWithTheConnection) {
  FakeSink sink;
  BodyStream body(sink, "H\r\n\r\n", Framing::UntilClose, 1s, 4);
  body.write("abcdefghij");
  body.finish();
  EXPECT_EQ(sink.all(), "H\r\n\r\nabcdefghij");
  EXPECT_EQ(body.bytes(), 10u);
}

TEST(BodyStream, HeadSendsTheHeadOnly) {
  FakeSink sink;
  BodyStream body(sink, "H\r\n\r\n", Framing::None, 1s);
  body.finish();
  EXPECT_EQ(sink.sent, std::vector<std::string>{"H\r\n\r\n"});
}

TEST(BodyStream, AtMostOneChunkIsInFlight) {
  FakeSink sink(false);
  std::thread producer([&] {
    BodyStream body(sink, "", Framing::Chunked, 60s, 4);
    for (int i = 0; i < 50; ++i) body.write("abcd");
    body.finish();
  });
  // Each send waits for the one before it: the next appears only once the
  // previous is completed.
  for (std::size_t i = 1; i <= 51; ++i) {
    sink.awaitSends(i);
    EXPECT_EQ(sink.sends(), i) << "a chunk was sent while another was in flight";
    sink.complete(true);
  }
  producer.join();
  EXPECT_EQ(sink.sent.back(), "0\r\n\r\n");
}

TEST(BodyStream, AChunkTheClientDoesNotTakeWithinTheSendTimeoutIsClientGone) {
  FakeSink sink(false);  // never written: a client that stopped reading
  BodyStream body(sink, "", Framing::Chunked, 50ms, 4);
  body.write("abcd");  // sent; nothing in flight before it
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(body.write("efgh"), ClientGone);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);
  EXPECT_TRUE(body.timedOut());
  EXPECT_THROW(body.write("x"), ClientGone) << "and every write after it";
}

TEST(BodyStream, CancelWakesAWaitingWriteAtOnce) {
  FakeSink sink(false);
  BodyStream body(sink, "", Framing::Chunked, 60s, 4);
  std::string caught;
  const auto t0 = std::chrono::steady_clock::now();
  std::thread producer([&] {
    try {
      body.write("abcdefgh");  // the second chunk waits for the first, never written
    } catch (const ClientGone& e) {
      caught = e.what();
    }
  });
  sink.awaitSends(1);
  body.cancel("the client has gone");
  producer.join();
  EXPECT_EQ(caught, "the client has gone");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_FALSE(body.timedOut());
}

TEST(BodyStream, AFailedSendStopsTheProducerAtItsNextChunk) {
  FakeSink sink(false);
  BodyStream body(sink, "", Framing::Chunked, 60s, 4);
  body.write("abcd");
  sink.complete(false);
  EXPECT_THROW(body.write("efgh"), ClientGone);
}

TEST(BodyStream, AWriteAfterCancelThrowsEvenBeforeAChunkFills) {
  FakeSink sink;
  BodyStream body(sink, "", Framing::Chunked, 1s);
  body.cancel("the server is stopping");
  EXPECT_THROW(body.write("a"), ClientGone);
  EXPECT_TRUE(sink.sent.empty());
}
