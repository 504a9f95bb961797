#include "http/rate_limiter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <random>

namespace agape::kernel {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

constexpr std::size_t kShards = 16;
constexpr int kShardBits = 4;  // log2(kShards): the hash's top bits pick the shard
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kMinSlots = 64;
constexpr std::size_t kMinCompact = 1024;  // slab size below which a shard is never compacted
// Least recently used buckets checked for idleness per request: more than the
// one bucket a request can add, so the table drains once a flood stops.
constexpr int kIdleChecksPerTake = 2;
// The debts of buckets evicted at the cap: a count-min sketch per shard and
// class of kDebtRows rows of kDebtCells cells (128 KiB; 2 MiB over the 16
// shards for each class that ever reaches the cap, made at its first
// eviction there).
constexpr std::size_t kDebtRows = 4;
constexpr std::size_t kDebtCells = 4096;  // a power of two

// Drawn once per process: a client that picks its own address string (an
// IPv6 range, a forwarded address) cannot aim at one slot of the tables.
const std::uint64_t kSeed = [] {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}();

std::uint64_t hashKey(std::uint32_t cls, std::string_view client) {
  std::uint64_t h = (std::hash<std::string_view>{}(client) ^ kSeed) ^
                    ((std::uint64_t{cls} + 1) * 0x9E3779B97F4A7C15ULL);
  // splitmix64's finaliser: the shard (top bits) and the slot (low bits) then
  // depend on every bit of the client's hash.
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 31;
  return h;
}

// 64 bytes, plus a heap buffer for a client longer than std::string's
// in-place buffer (15 bytes: most IPv6 addresses).
// The sketch's cells for a client: independent of the bits that chose its
// shard and slot.
std::uint64_t debtHash(std::uint64_t h) {
  h ^= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

// A client's cell in one row of a sketch: 12 bits of its debt hash per row.
std::size_t debtCell(std::uint64_t h, std::size_t row) {
  return row * kDebtCells + ((h >> (row * 16)) & (kDebtCells - 1));
}

struct Bucket {
  std::string client;
  double tokens;
  TimePoint updated;
  std::uint32_t prev;  // towards the most recently used; kNone at the head
  std::uint32_t next;  // towards the least recently used; also links free entries
  std::uint32_t hash;  // low bits of hashKey(): the home slot
  std::uint32_t cls;
};

}  // namespace

// Buckets in a slab indexed by an open-addressing table (linear probing, load
// at most 1/2) and threaded on a recency list, so that lookup, touch and
// eviction are O(1) and a lookup builds no key. A slab rather than a node per
// bucket: one allocation amortised over many buckets, 4-byte links.
class alignas(64) RateLimiter::Shard {
 public:
  std::mutex mutex;

  std::size_t size() const { return size_; }
  Bucket& operator[](std::uint32_t i) { return buckets_[i]; }

  std::uint32_t find(std::uint32_t hash, std::uint32_t cls, std::string_view client) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
      const Slot slot = slots_[s];
      if (slot.index == kNone) return kNone;
      if (slot.hash != hash) continue;
      const Bucket& b = buckets_[slot.index];
      if (b.cls == cls && b.client == client) return slot.index;
    }
  }

  // The new bucket becomes the most recently used.
  std::uint32_t insert(std::uint32_t hash, std::uint32_t cls, std::string_view client, double tokens,
                       TimePoint now) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(std::max(kMinSlots, slots_.size() * 2));
    std::uint32_t i;
    if (free_ != kNone) {
      i = free_;
      free_ = buckets_[i].next;
      buckets_[i].client.assign(client);  // reuses the freed bucket's buffer
    } else {
      i = static_cast<std::uint32_t>(buckets_.size());
      buckets_.push_back(Bucket{std::string(client), 0, {}, kNone, kNone, 0, 0});
    }
    Bucket& b = buckets_[i];
    b.tokens = tokens;
    b.updated = now;
    b.hash = hash;
    b.cls = cls;
    place(i);
    link(i);
    ++size_;
    return i;
  }

  void touch(std::uint32_t i) {
    if (i == head_) return;
    unlink(i);
    link(i);
  }

  // Drops the least recently used bucket, still refilling, to make room.
  // Its debt (when it will be full again) goes into the sketch, so that the
  // client it belonged to comes back owing it.
  void evictLeastRecent(const std::vector<Rate>& rates) {
    if (tail_ == kNone) return;
    const Bucket& b = buckets_[tail_];
    const Rate& r = rates[b.cls];
    const TimePoint fullAt =
        b.updated + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(std::min(1e9, (r.burst - b.tokens) / r.perSecond)));
    if (debts_.size() <= b.cls) debts_.resize(b.cls + 1);
    std::vector<TimePoint>& sketch = debts_[b.cls];
    if (sketch.empty()) sketch.assign(kDebtRows * kDebtCells, TimePoint::min());
    const std::uint64_t h = debtHash(hashKey(b.cls, b.client));  // recomputed: a bucket keeps 32 bits of it
    for (std::size_t row = 0; row < kDebtRows; ++row) {
      TimePoint& cell = sketch[debtCell(h, row)];
      cell = std::max(cell, fullAt);
    }
    erase(tail_);
  }

  // When a client not in the table will be full again at the latest, if it
  // was evicted while refilling: the earliest of its cells (each is the
  // latest of the debts hashed there, its own included). A client never
  // evicted gets another's debt only where all its cells collide.
  std::optional<TimePoint> debtOf(std::uint32_t cls, std::uint64_t fullHash) const {
    if (debts_.size() <= cls || debts_[cls].empty()) return std::nullopt;
    const std::uint64_t h = debtHash(fullHash);
    TimePoint fullAt = TimePoint::max();
    for (std::size_t row = 0; row < kDebtRows; ++row)
      fullAt = std::min(fullAt, debts_[cls][debtCell(h, row)]);
    return fullAt;
  }

  // Drops least recently used buckets that are full again (a full bucket is
  // what a client not tracked gets, so dropping one changes no answer), at
  // most `budget` of them, and returns the slab's memory once most of it is
  // unused. The scan stops at the first bucket still refilling: the list is in
  // order of last use, not of when a bucket becomes full (classes refill at
  // different rates), so a slowly refilling bucket can hold back faster ones
  // behind it until it is full itself; the hard cap bounds memory meanwhile.
  void dropIdle(TimePoint now, const std::vector<Rate>& rates, int budget) {
    for (; budget > 0 && tail_ != kNone; --budget) {
      if (tail_ == checkedTail_ && now < tailFullAt_) break;
      const Bucket& b = buckets_[tail_];
      const Rate& r = rates[b.cls];
      const double idle = std::chrono::duration<double>(now - b.updated).count();
      if (b.tokens + idle * r.perSecond < r.burst) {
        // Untouched, the tail fills at a known time: until then, requests
        // need not read it (under a flood it is never in cache).
        const double untilFull = std::min(1e9, (r.burst - b.tokens) / r.perSecond);
        checkedTail_ = tail_;
        tailFullAt_ = b.updated + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(untilFull));
        break;
      }
      erase(tail_);
    }
    if (buckets_.size() > kMinCompact && size_ * 4 < buckets_.size()) compact();
  }

 private:
  void place(std::uint32_t i) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = buckets_[i].hash & mask;
    while (slots_[s].index != kNone) s = (s + 1) & mask;
    slots_[s] = Slot{i, buckets_[i].hash};
  }

  void erase(std::uint32_t i) {
    // Backward-shift deletion: entries after the hole that may live there move
    // up, so probe sequences stay unbroken without tombstones.
    const std::size_t mask = slots_.size() - 1;
    std::size_t hole = buckets_[i].hash & mask;
    while (slots_[hole].index != i) hole = (hole + 1) & mask;
    for (std::size_t s = (hole + 1) & mask; slots_[s].index != kNone; s = (s + 1) & mask) {
      const std::size_t home = slots_[s].hash & mask;
      if (((s - home) & mask) >= ((s - hole) & mask)) {
        slots_[hole] = slots_[s];
        hole = s;
      }
    }
    slots_[hole] = Slot{};
    unlink(i);
    buckets_[i].next = free_;
    free_ = i;
    --size_;
  }

  void link(std::uint32_t i) {  // as the most recently used
    Bucket& b = buckets_[i];
    b.prev = kNone;
    b.next = head_;
    if (head_ != kNone) buckets_[head_].prev = i;
    head_ = i;
    if (tail_ == kNone) tail_ = i;
  }

  void unlink(std::uint32_t i) {
    if (i == checkedTail_) checkedTail_ = kNone;
    Bucket& b = buckets_[i];
    (b.prev != kNone ? buckets_[b.prev].next : head_) = b.next;
    (b.next != kNone ? buckets_[b.next].prev : tail_) = b.prev;
  }

  void rehash(std::size_t slots) {
    slots_.assign(slots, Slot{});
    for (std::uint32_t i = head_; i != kNone; i = buckets_[i].next) place(i);
  }

  // After a flood drains: live buckets move to a slab sized for them, in
  // recency order, and the table shrinks with it.
  void compact() {
    std::vector<Bucket> live;
    live.reserve(size_ * 2);
    for (std::uint32_t i = head_; i != kNone; i = buckets_[i].next) live.push_back(std::move(buckets_[i]));
    const auto n = static_cast<std::uint32_t>(live.size());
    for (std::uint32_t k = 0; k < n; ++k) {
      live[k].prev = k == 0 ? kNone : k - 1;
      live[k].next = k + 1 == n ? kNone : k + 1;
    }
    buckets_.swap(live);
    head_ = n == 0 ? kNone : 0;
    tail_ = n == 0 ? kNone : n - 1;
    free_ = kNone;
    checkedTail_ = kNone;
    slots_.clear();
    slots_.shrink_to_fit();
    rehash(std::max(kMinSlots, std::bit_ceil(size_ * 4)));
  }

  std::vector<Bucket> buckets_;
  // The hash beside the index: probing and deletion read no bucket but the
  // one that matches, which under a flood is not in cache.
  struct Slot {
    std::uint32_t index = kNone;  // kNone: empty
    std::uint32_t hash = 0;
  };
  std::vector<Slot> slots_;
  std::uint32_t head_ = kNone;  // most recently used
  std::uint32_t tail_ = kNone;  // least recently used
  std::uint32_t free_ = kNone;
  std::uint32_t checkedTail_ = kNone;  // the tail when tailFullAt_ was computed
  TimePoint tailFullAt_{};
  std::size_t size_ = 0;
  // By class: kDebtRows x kDebtCells, empty until the class's first eviction
  // here. Per class, so that a flood in one class (a slow one, where the cap
  // is reachable) never charges the clients of another.
  std::vector<std::vector<TimePoint>> debts_;
};

RateLimiter::RateLimiter(std::map<std::string, RateLimitClass> classes, Clock clock, std::size_t maxBuckets)
    : maxPerShard_(std::clamp<std::size_t>(maxBuckets / kShards, 1, kNone / 2)),
      clock_(std::move(clock)),
      shards_(std::make_unique<Shard[]>(kShards)) {
  if (!classes.count("default")) classes["default"] = RateLimitClass{};
  for (const auto& [name, c] : classes) {
    classIndex_.emplace(name, static_cast<std::uint32_t>(rates_.size()));
    rates_.push_back(Rate{c.requests / std::chrono::duration<double>(c.per).count(), c.burst});
  }
  defaultClass_ = classIndex_.find("default")->second;
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::take(std::string_view cls, std::string_view client) {
  auto named = classIndex_.find(cls);
  const std::uint32_t ci = named == classIndex_.end() ? defaultClass_ : named->second;
  const Rate& r = rates_[ci];
  const std::uint64_t h = hashKey(ci, client);
  Shard& shard = shards_[h >> (64 - kShardBits)];
  const auto hash = static_cast<std::uint32_t>(h);
  const auto now = clock_();

  std::lock_guard lock(shard.mutex);
  shard.dropIdle(now, rates_, kIdleChecksPerTake);
  std::uint32_t i = shard.find(hash, ci, client);
  if (i == kNone) {
    // At the cap every bucket is refilling. The least recently used one goes,
    // and what it owed goes into the shard's sketch of debts for its class. A
    // client that is not in the table starts from a full bucket less the
    // debt its cells hold: an evicted client gets back at most what it had
    // (plus the refill since), so a flood of other addresses cannot reset
    // anyone's count. The price is conservative: where a newcomer's cells
    // all hold other clients' debts it starts owing the least of them (and
    // passes that on when it is evicted in turn), so while a flood beyond
    // the cap lasts, new clients of that class may get its rate rather than
    // its burst. Refusing new clients at the cap would lock every newcomer
    // out; not tracking them would exempt them from any limit.
    if (shard.size() >= maxPerShard_) shard.evictLeastRecent(rates_);
    double tokens = r.burst;
    // (A billionth of a token forgiven: the debt went through a time and
    // back, and a rounding error must not cost a whole request.)
    if (auto fullAt = shard.debtOf(ci, h); fullAt && *fullAt > now)
      tokens =
          std::max(0.0, r.burst - std::chrono::duration<double>(*fullAt - now).count() * r.perSecond + 1e-9);
    i = shard.insert(hash, ci, client, tokens, now);
  } else {
    Bucket& b = shard[i];
    // Another thread may have stamped a later `now` first: never refill backwards.
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.updated).count());
    b.tokens = std::min(r.burst, b.tokens + elapsed * r.perSecond);
    b.updated = std::max(b.updated, now);
    shard.touch(i);
  }
  Bucket& bucket = shard[i];
  Decision d{};
  d.limit = r.burst;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retryAfterSeconds = (1.0 - bucket.tokens) / r.perSecond;
  }
  d.remaining = std::floor(bucket.tokens);
  d.resetSeconds = (r.burst - bucket.tokens) / r.perSecond;
  return d;
}

std::size_t RateLimiter::trackedClients() const {
  std::size_t n = 0;
  for (std::size_t s = 0; s < kShards; ++s) {
    std::lock_guard lock(shards_[s].mutex);
    n += shards_[s].size();
  }
  return n;
}

}  // namespace agape::kernel
