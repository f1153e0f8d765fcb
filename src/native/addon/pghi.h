// Causal (or one-frame look-ahead) phase-gradient heap integration: the algorithm of
// src/vq/synthesis/pghi.ts (see there for the maths), with the same queue order (highest bucket first,
// last in first out within one), seeded random phases and sine table, so both paths take the
// same decisions. Host-free; all buffers are allocated in the constructor.
#pragma once
#include <cstdint>
#include <vector>

#include "fft.h"

namespace mb {

class Pghi {
 public:
  // synthesis_window: frame_length values; sine_table: sin(2 pi j / steps) for j in
  // [0, 1.25 steps + 1] (both from the TypeScript side, so the two paths share them).
  Pghi(int frame_length, int hop, double tolerance, int lookahead, const float* synthesis_window,
       const double* sine_table, int sine_steps, int buckets_per_neper);
  int bins() const { return bins_; }
  // One frame of magnitudes (bins values) times gain in; writes a frame and returns true when
  // one is ready (always with look-ahead 0).
  template <typename T>
  bool Next(const T* magnitudes, double gain, float* frame);
  bool Flush(float* frame);
  void Reset();

 private:
  template <typename T>
  double ReadLog(const T* magnitudes, double gain, double* log_mag, double* linear);
  void EmitHeld(float* frame, const double* next_log);
  void Reconstruct(double peak, const double* next_log);
  void Advance(double peak);
  void Integrate(double threshold);
  template <typename T>
  void Synthesize(double gain, const T* magnitudes, float* frame);
  double RandomPhase();

  int n_, hop_, bins_, lookahead_, sine_steps_;
  double lambda_, log_tolerance_, bucket_scale_;
  RealFft fft_;
  std::vector<float> window_;
  std::vector<double> sine_, re_, im_, time_;
  std::vector<double> log_mag_, prev_log_mag_, phase_, prev_phase_, dt_, prev_dt_, df_;
  std::vector<double> magnitudes_, next_magnitudes_, next_log_;
  std::vector<uint8_t> prev_significant_, done_;
  std::vector<int32_t> buckets_, bucket_next_, bucket_of_;
  std::vector<uint64_t> occupied_;
  uint32_t seed_ = 0x9e3779b9u;
  bool started_ = false;
  bool held_ = false;
  double held_peak_ = 0;
};

extern template bool Pghi::Next<float>(const float*, double, float*);
extern template bool Pghi::Next<double>(const double*, double, float*);

}  // namespace mb
