// YIN pitch estimation, one frame at a time: the algorithm of src/dsp/yin.ts (see there),
// with the difference function through an FFT cross-correlation. Host-free.
#pragma once
#include <vector>

#include "fft.h"

namespace mb {

struct YinResult {
  double f0;          // Hz, 0 when unvoiced
  double confidence;  // 1 - d' at the chosen lag, in [0, 1]
};

class Yin {
 public:
  // size: the transform length, a power of two >= frame_length.
  Yin(int frame_length, int size, int min_lag, int max_lag, double threshold, double sample_rate);
  template <typename T>
  YinResult Estimate(const T* frame);
  // After Estimate: |rfft(hann(F) x frame)|^2 (F / 2 + 1 bins); needs size == frame_length.
  void HannPowerSpectrum(float* out) const;
  // The VQ encoder's input for one frame (src/vq/model.ts encodeSpectra): its RMS gain
  // (floored, rounded to float32), its f0, and magnitudes[k] = |rfft(hann x frame)[k]| /
  // (gain sqrt(F)) in float32, computed in the same order as the TypeScript path. Needs
  // size == frame_length. Returns the gain; f0 and confidence go to `estimate`.
  float FrameSpectrum(const float* frame, double gain_floor, float* magnitudes, YinResult* estimate);

 private:
  void Correlate();
  int PickLag() const;
  double RefineLag(int lag) const;
  int frame_length_, size_, min_lag_, max_lag_, window_;
  double threshold_, sample_rate_;
  RealFft fft_;
  std::vector<double> head_, whole_, head_re_, head_im_, whole_re_, whole_im_, product_re_, product_im_, corr_, diff_, cmnd_;
};

extern template YinResult Yin::Estimate<float>(const float*);
extern template YinResult Yin::Estimate<double>(const double*);

}  // namespace mb
