#include "leapsim/engine/ladder_queue.hpp"

#include <cmath>
#include <utility>

namespace leapsim {

void LadderQueue::push_bottom(const Event& e) {
  // The bottom holds one small bucket; events usually land at its end (same-time bursts),
  // so the insertion shifts little.
  const auto first = bottom_.begin() + static_cast<std::ptrdiff_t>(head_);
  bottom_.insert(std::upper_bound(first, bottom_.end(), e), e);
}

namespace {

// Insertion sort: fast on the nearly sorted output of the counting pass below.
void insertion_sort(std::vector<Event>& v) noexcept {
  for (std::size_t i = 1; i < v.size(); ++i) {
    const Event e = v[i];
    std::size_t j = i;
    for (; j > 0 && e < v[j - 1]; --j) v[j] = v[j - 1];
    v[j] = e;
  }
}

}  // namespace

void LadderQueue::sort_batch(std::vector<Event>& v) {
  // A bucket's times are spread fairly evenly over its width, so one counting pass on time puts
  // almost every event in place and insertion sort fixes the rest; cheaper than a comparison sort
  // whose branches mispredict on every other comparison.
  const std::size_t n = v.size();
  if (n < 16) return insertion_sort(v);
  // Large batches (one instant, or the deepest rung) take the comparison sort: insertion sort is
  // quadratic when many events share a counting key, which only a bounded batch makes harmless.
  if (n > kSortThreshold) return std::sort(v.begin(), v.end());
  double lo = v.front().time, hi = lo;
  for (const Event& e : v) {
    lo = std::min(lo, e.time);
    hi = std::max(hi, e.time);
  }
  if (!splittable(lo, hi)) return std::sort(v.begin(), v.end());
  const double scale = static_cast<double>(n) / (hi - lo);
  const auto key = [&](double t) { return std::min(static_cast<std::size_t>((t - lo) * scale), n - 1); };
  counts_.assign(n + 1, 0);
  for (const Event& e : v) ++counts_[key(e.time) + 1];
  for (std::size_t i = 1; i <= n; ++i) counts_[i] += counts_[i - 1];
  scratch_.resize(n);
  for (const Event& e : v) scratch_[counts_[key(e.time)]++] = e;
  v.swap(scratch_);
  insertion_sort(v);
}

void LadderQueue::bucket_to_bottom(std::vector<Event>& bucket) {
  bottom_.clear();
  bottom_.swap(bucket);  // the emptied bottom buffer is recycled as the bucket's
  sort_batch(bottom_);
  head_ = 0;
}

void LadderQueue::spawn_rung(std::vector<Event>& events, double lo, double hi) {
  if (rungs_.size() == depth_) rungs_.emplace_back();
  Rung& r = rungs_[depth_];
  const std::size_t n = std::clamp<std::size_t>(events.size() / kTargetPerBucket, 2, kMaxBuckets);
  r.start = lo;
  r.inv_width = static_cast<double>(n) / (hi - lo);
  r.next = 0;
  r.buckets.resize(n);
  for (const Event& e : events) r.buckets[r.index(e.time)].push_back(e);
  ++depth_;
}

bool LadderQueue::splittable(double lo, double hi) noexcept {
  return hi > lo && std::isfinite(static_cast<double>(kMaxBuckets) / (hi - lo));
}

void LadderQueue::refill() {
  ++batches_;
  bottom_.clear();
  head_ = 0;
  while (bottom_.empty()) {
    if (depth_ == 0) {
      // Everything left is in the top: it becomes the first rung (or the bottom if small).
      const double lo = top_min_, hi = top_max_;
      top_start_ = std::nextafter(hi, std::numeric_limits<double>::infinity());
      if (top_.size() <= kSortThreshold || !splittable(lo, hi)) {
        bucket_to_bottom(top_);
      } else {
        spawn_rung(top_, lo, hi);
        std::vector<Event>().swap(top_);  // release: the top refills over a whole epoch
      }
      top_min_ = std::numeric_limits<double>::infinity();
      top_max_ = -std::numeric_limits<double>::infinity();
      continue;
    }
    Rung& r = rungs_[depth_ - 1];
    while (r.next < r.buckets.size() && r.buckets[r.next].empty()) ++r.next;
    if (r.next == r.buckets.size()) {
      --depth_;
      continue;
    }
    std::vector<Event>& bucket = r.buckets[r.next++];
    if (bucket.size() <= kSortThreshold || depth_ == kMaxDepth) {
      bucket_to_bottom(bucket);
      continue;
    }
    const auto [mn, mx] = std::minmax_element(bucket.begin(), bucket.end(),
                                              [](const Event& a, const Event& b) { return a.time < b.time; });
    if (!splittable(mn->time, mx->time)) {
      bucket_to_bottom(bucket);  // (nearly) one instant: only the rank order is left to sort
      continue;
    }
    spawn_rung(bucket, mn->time, mx->time);
    std::vector<Event>().swap(bucket);  // handed down: release its buffer
  }
}

std::size_t LadderQueue::memory_bytes() const noexcept {
  std::size_t bytes = (top_.capacity() + bottom_.capacity() + scratch_.capacity()) * sizeof(Event) +
                      rungs_.capacity() * sizeof(Rung) + counts_.capacity() * sizeof(std::uint32_t);
  for (const Rung& r : rungs_) {
    bytes += r.buckets.capacity() * sizeof(std::vector<Event>);
    for (const auto& b : r.buckets) bytes += b.capacity() * sizeof(Event);
  }
  return bytes;
}

void LadderQueue::clear() noexcept {
  top_.clear();
  for (Rung& r : rungs_)
    for (auto& b : r.buckets) b.clear();
  depth_ = 0;
  bottom_.clear();
  head_ = 0;
  size_ = 0;
  top_start_ = -std::numeric_limits<double>::infinity();
  top_min_ = std::numeric_limits<double>::infinity();
  top_max_ = -std::numeric_limits<double>::infinity();
}

}  // namespace leapsim
