#include "yin.h"

#include <algorithm>
#include <cmath>

namespace mb {

Yin::Yin(int frame_length, int size, int min_lag, int max_lag, double threshold, double sample_rate)
    : frame_length_(frame_length),
      size_(size),
      min_lag_(min_lag),
      max_lag_(max_lag),
      window_(frame_length - max_lag),
      threshold_(threshold),
      sample_rate_(sample_rate),
      fft_(size),
      head_(size, 0.0),
      whole_(size, 0.0),
      head_re_(size / 2 + 1),
      head_im_(size / 2 + 1),
      whole_re_(size / 2 + 1),
      whole_im_(size / 2 + 1),
      product_re_(size / 2 + 1),
      product_im_(size / 2 + 1),
      corr_(size),
      diff_(max_lag + 1),
      cmnd_(max_lag + 1) {}

template <typename T>
YinResult Yin::Estimate(const T* frame) {
  const int w = window_;
  double head_energy = 0;
  for (int j = 0; j < w; j++) {
    const double v = frame[j];
    whole_[j] = v;
    head_[j] = v;
    head_energy += v * v;
  }
  for (int j = w; j < frame_length_; j++) whole_[j] = frame[j];
  Correlate();
  // d(tau) = e(0) + e(tau) - 2 r(tau), e(tau) the energy of x[tau, tau + W); then d'.
  double slide = head_energy;
  double running = 0;
  diff_[0] = 0;
  cmnd_[0] = 1;
  const double* x = whole_.data();
  for (int tau = 1; tau <= max_lag_; tau++) {
    slide += x[tau + w - 1] * x[tau + w - 1] - x[tau - 1] * x[tau - 1];
    const double d = std::max(0.0, head_energy + slide - 2 * corr_[tau]);
    diff_[tau] = d;
    running += d;
    cmnd_[tau] = running > 0 ? (d * tau) / running : 1;
  }
  const int lag = PickLag();
  const bool voiced = cmnd_[lag] < threshold_;
  const double confidence = std::min(1.0, std::max(0.0, 1 - cmnd_[lag]));
  if (!voiced) return {0, confidence};
  return {sample_rate_ / RefineLag(lag), confidence};
}

template YinResult Yin::Estimate<float>(const float*);
template YinResult Yin::Estimate<double>(const double*);

void Yin::Correlate() {
  fft_.Forward(head_.data(), head_re_.data(), head_im_.data());
  fft_.Forward(whole_.data(), whole_re_.data(), whole_im_.data());
  for (int k = 0; k <= size_ / 2; k++) {
    const double ar = head_re_[k], ai = head_im_[k], br = whole_re_[k], bi = whole_im_[k];
    product_re_[k] = ar * br + ai * bi;  // conj(A) B
    product_im_[k] = ar * bi - ai * br;
  }
  fft_.Inverse(product_re_.data(), product_im_.data(), corr_.data());
}

int Yin::PickLag() const {
  for (int tau = min_lag_; tau <= max_lag_; tau++) {
    if (cmnd_[tau] < threshold_) {
      while (tau + 1 <= max_lag_ && cmnd_[tau + 1] < cmnd_[tau]) tau++;
      return tau;
    }
  }
  int best = min_lag_;
  for (int tau = min_lag_ + 1; tau <= max_lag_; tau++)
    if (cmnd_[tau] < cmnd_[best]) best = tau;
  return best;
}

double Yin::RefineLag(int lag) const {
  if (lag <= 1 || lag >= max_lag_) return lag;
  const double a = diff_[lag - 1], b = diff_[lag], c = diff_[lag + 1];
  const double denom = a - 2 * b + c;
  if (denom <= 0) return lag;
  const double shift = (0.5 * (a - c)) / denom;
  return lag + std::max(-1.0, std::min(1.0, shift));
}

void Yin::HannPowerSpectrum(float* out) const {
  const int half = frame_length_ / 2;
  const double* xr = whole_re_.data();
  const double* xi = whole_im_.data();
  for (int k = 0; k <= half; k++) {
    // Periodic Hann = three taps in frequency; X[-1] = conj X[1], X[n/2 + 1] = conj X[n/2 - 1].
    const int lo = k == 0 ? 1 : k - 1;
    const int hi = k == half ? half - 1 : k + 1;
    const double lo_im = k == 0 ? -xi[lo] : xi[lo];
    const double hi_im = k == half ? -xi[hi] : xi[hi];
    const double re = 0.5 * xr[k] - 0.25 * (xr[lo] + xr[hi]);
    const double im = 0.5 * xi[k] - 0.25 * (lo_im + hi_im);
    out[k] = static_cast<float>(re * re + im * im);
  }
}

float Yin::FrameSpectrum(const float* frame, double gain_floor, float* magnitudes, YinResult* estimate) {
  const int n = frame_length_;
  double e = 0;
  for (int i = 0; i < n; i++) e += static_cast<double>(frame[i]) * frame[i];
  const float gain = static_cast<float>(std::max(std::sqrt(e / n), gain_floor));
  *estimate = Estimate(frame);
  HannPowerSpectrum(magnitudes);
  const double k = 1 / (gain * std::sqrt(static_cast<double>(n)));
  for (int b = 0; b <= n / 2; b++) magnitudes[b] = static_cast<float>(std::sqrt(static_cast<double>(magnitudes[b])) * k);
  return gain;
}

}  // namespace mb
