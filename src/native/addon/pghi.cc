#include "pghi.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mb {

Pghi::Pghi(int frame_length, int hop, double tolerance, int lookahead, const float* synthesis_window,
           const double* sine_table, int sine_steps, int buckets_per_neper)
    : n_(frame_length),
      hop_(hop),
      bins_(frame_length / 2 + 1),
      lookahead_(lookahead),
      sine_steps_(sine_steps),
      lambda_(0.25645 * frame_length * frame_length),
      log_tolerance_(std::log(tolerance)),
      bucket_scale_(buckets_per_neper),
      fft_(frame_length),
      window_(synthesis_window, synthesis_window + frame_length),
      sine_(sine_table, sine_table + sine_steps + sine_steps / 4 + 2),
      re_(bins_),
      im_(bins_),
      time_(frame_length),
      log_mag_(bins_),
      prev_log_mag_(bins_),
      phase_(bins_),
      prev_phase_(bins_),
      dt_(bins_),
      prev_dt_(bins_),
      df_(bins_),
      magnitudes_(lookahead ? bins_ : 0),
      next_magnitudes_(lookahead ? bins_ : 0),
      next_log_(lookahead ? bins_ : 0),
      prev_significant_(bins_),
      done_(bins_),
      buckets_(static_cast<int>(std::ceil(-log_tolerance_ * buckets_per_neper)) + 2),
      bucket_next_(3 * bins_),
      bucket_of_(3 * bins_),
      occupied_((buckets_.size() + 63) / 64) {}

void Pghi::Reset() {
  started_ = false;
  held_ = false;
  seed_ = 0x9e3779b9u;
}

template <typename T>
double Pghi::ReadLog(const T* magnitudes, double gain, double* log_mag, double* linear) {
  double peak = -INFINITY;
  for (int k = 0; k < bins_; k++) {
    const double m = magnitudes[k] * gain;
    if (linear) linear[k] = m;
    const double s = std::log(m > 1e-10 ? m : 1e-10);
    log_mag[k] = s;
    if (s > peak) peak = s;
  }
  return peak;
}

template <typename T>
bool Pghi::Next(const T* magnitudes, double gain, float* frame) {
  if (lookahead_ == 0) {
    const double peak = ReadLog(magnitudes, gain, log_mag_.data(), nullptr);
    Reconstruct(peak, nullptr);
    Synthesize(gain, magnitudes, frame);
    Advance(peak);
    return true;
  }
  const double peak = ReadLog(magnitudes, gain, next_log_.data(), next_magnitudes_.data());
  const bool ready = held_;
  if (ready) EmitHeld(frame, next_log_.data());
  std::swap(log_mag_, next_log_);
  std::swap(magnitudes_, next_magnitudes_);
  held_peak_ = peak;
  held_ = true;
  return ready;
}

template bool Pghi::Next<float>(const float*, double, float*);
template bool Pghi::Next<double>(const double*, double, float*);

bool Pghi::Flush(float* frame) {
  const bool ready = held_;
  if (ready) EmitHeld(frame, nullptr);
  Reset();
  return ready;
}

void Pghi::EmitHeld(float* frame, const double* next_log) {
  Reconstruct(held_peak_, next_log);
  Synthesize(1.0, magnitudes_.data(), frame);
  Advance(held_peak_);
}

void Pghi::Reconstruct(double peak, const double* next_log) {
  const double* log_mag = log_mag_.data();
  double* prev_log = prev_log_mag_.data();
  if (!started_) std::copy(log_mag, log_mag + bins_, prev_log);
  const double* before = next_log && started_ ? prev_log : log_mag;
  const double span = next_log && started_ ? 0.5 : 1;
  const double n = n_;
  for (int k = 0; k < bins_; k++) {
    const double dsdk = k > 0 && k < bins_ - 1 ? 0.5 * (log_mag[k + 1] - log_mag[k - 1]) : 0;
    dt_[k] = (2 * kPi * k) / n + (n / lambda_) * dsdk;
    const double dsdt = next_log ? span * (next_log[k] - before[k]) : log_mag[k] - prev_log[k];
    df_[k] = (-(lambda_ / n) * dsdt) / hop_;
  }
  Integrate(peak + log_tolerance_);
}

void Pghi::Advance(double peak) {
  std::swap(log_mag_, prev_log_mag_);
  std::swap(phase_, prev_phase_);
  std::swap(dt_, prev_dt_);
  const double threshold = peak + log_tolerance_;
  for (int k = 0; k < bins_; k++) prev_significant_[k] = prev_log_mag_[k] > threshold ? 1 : 0;
  started_ = true;
}

namespace {

// The bucket queue of Integrate: entries by bucket (the index of their log-magnitude; LIFO
// within one), a bit per non-empty bucket so a pop finds the top one by word, kept in locals so
// the compiler holds them in registers.
struct BucketQueue {
  int32_t* heads;
  int32_t* next;
  const int32_t* bucket_of;
  uint64_t* occupied;
  int size = 0;
  int top = 0;  // no non-empty bucket above word `top`
  void Push(int e) {
    const int b = bucket_of[e];
    next[e] = heads[b];
    heads[b] = e;
    occupied[b >> 6] |= uint64_t{1} << (b & 63);
    if ((b >> 6) > top) top = b >> 6;
    size++;
  }
  // Callers check size > 0.
  int Pop() {
    int w = top;
    while (occupied[w] == 0) w--;
    top = w;
    const int b = (w << 6) + 63 - __builtin_clzll(occupied[w]);
    const int e = heads[b];
    heads[b] = next[e];
    if (heads[b] < 0) occupied[w] &= ~(uint64_t{1} << (b & 63));
    size--;
    return e;
  }
};

// Hot loops with a floor: on x86-64 ELF an AVX2 clone (a rounding instruction, vectorized)
// is chosen at load time where the CPU has it. Same results either way.
#if defined(__x86_64__) && defined(__ELF__)
#define MB_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MB_CLONES
#endif

// out[k] = bucket of key[k]: floor((key - floor_key) x scale), clamped to [0, count).
MB_CLONES void BucketsOf(const double* key, int n, double floor_key, double scale, int count, int32_t* out) {
  for (int k = 0; k < n; k++) {
    const double pos = std::floor((key[k] - floor_key) * scale);
    // NaN (an infinite magnitude and threshold) goes to the bottom bucket.
    out[k] = pos >= 0 ? (pos < count ? static_cast<int32_t>(pos) : count - 1) : 0;
  }
}

// Phases into [0, 2 pi] so they keep their precision over a long stream; a phase made
// non-finite by an infinite magnitude restarts at 0, so the stream recovers.
MB_CLONES void WrapPhases(double* phase, int n) {
  const double two_pi = 2 * kPi;
  for (int k = 0; k < n; k++) {
    const double p = phase[k] - two_pi * std::floor(phase[k] / two_pi);
    phase[k] = p >= 0 && p <= two_pi ? p : 0;
  }
}

}  // namespace

void Pghi::Integrate(double threshold) {
  const int bins = bins_;
  double* phase = phase_.data();
  uint8_t* done = done_.data();
  const double* log_mag = log_mag_.data();
  const double* prev_log = prev_log_mag_.data();
  const double* dt = dt_.data();
  const double* df = df_.data();
  int remaining = 0;
  for (int k = 0; k < bins; k++) {
    if (log_mag[k] > threshold) {
      done[k] = 0;
      remaining++;
    } else {
      done[k] = 1;
      phase[k] = RandomPhase();
    }
  }
  // Bucket of every entry, once: k (current frame), k + bins (previous), k + 2 bins (seed).
  int32_t* bucket_of = bucket_of_.data();
  const int count = static_cast<int>(buckets_.size());
  BucketsOf(log_mag, bins, threshold, bucket_scale_, count, bucket_of);
  BucketsOf(prev_log, bins, threshold, bucket_scale_, count, bucket_of + bins);
  std::copy(bucket_of, bucket_of + bins, bucket_of + 2 * bins);
  std::fill(buckets_.begin(), buckets_.end(), -1);
  std::fill(occupied_.begin(), occupied_.end(), 0);
  BucketQueue q{buckets_.data(), bucket_next_.data(), bucket_of, occupied_.data()};
  if (started_) {
    for (int k = 0; k < bins; k++)
      if (prev_significant_[k]) q.Push(k + bins);
  }
  const double* prev_phase = prev_phase_.data();
  const double* prev_dt = prev_dt_.data();
  const int seed = 2 * bins;
  const double hop = hop_;
  while (remaining > 0) {
    if (q.size == 0) {
      for (int k = 0; k < bins; k++)
        if (!done[k]) q.Push(k + seed);
    }
    const int e = q.Pop();
    if (e >= seed) {
      const int k = e - seed;
      if (!done[k]) {
        phase[k] = 0;
        done[k] = 1;
        remaining--;
        q.Push(k);
      }
    } else if (e >= bins) {
      const int k = e - bins;
      if (!done[k]) {
        phase[k] = prev_phase[k] + 0.5 * hop * (prev_dt[k] + dt[k]);
        done[k] = 1;
        remaining--;
        q.Push(k);
      }
    } else {
      if (e > 0 && !done[e - 1]) {
        phase[e - 1] = phase[e] - 0.5 * (df[e] + df[e - 1]);
        done[e - 1] = 1;
        remaining--;
        q.Push(e - 1);
      }
      if (e < bins - 1 && !done[e + 1]) {
        phase[e + 1] = phase[e] + 0.5 * (df[e] + df[e + 1]);
        done[e + 1] = 1;
        remaining--;
        q.Push(e + 1);
      }
    }
  }
  // DC and Nyquist are real: phase 0 or pi (Math.round's rounding: floor(x + 0.5)).
  phase[0] = kPi * std::floor(phase[0] / kPi + 0.5);
  phase[bins - 1] = kPi * std::floor(phase[bins - 1] / kPi + 0.5);
  WrapPhases(phase, bins);
}

template <typename T>
void Pghi::Synthesize(double gain, const T* magnitudes, float* frame) {
  const double* table = sine_.data();
  const double scale = sine_steps_ / (2 * kPi);
  const int quarter = sine_steps_ / 4;
  const double* phase = phase_.data();
  for (int k = 0; k < bins_; k++) {
    const double m = magnitudes[k] * gain * (k & 1 ? -1 : 1);
    const double pos = phase[k] * scale;  // in [0, steps]: WrapPhases
    const int i = static_cast<int>(pos);
    const double frac = pos - i;
    const double s0 = table[i];
    const double c0 = table[i + quarter];
    re_[k] = m * (c0 + frac * (table[i + quarter + 1] - c0));
    im_[k] = m * (s0 + frac * (table[i + 1] - s0));
  }
  fft_.Inverse(re_.data(), im_.data(), time_.data());
  for (int i = 0; i < n_; i++) frame[i] = static_cast<float>(time_[i] * window_[i]);
}

double Pghi::RandomPhase() {
  uint32_t x = seed_;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  seed_ = x;
  return (seed_ / 4294967296.0) * 2 * kPi;
}

}  // namespace mb
