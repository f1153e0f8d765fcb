// Real FFTs of a power-of-two length n through one complex FFT of length n / 2, for the VQ
// stream's kernels (yin.cc, pghi.cc). Plans are built once; transforms allocate nothing.
#pragma once
#include <vector>

namespace mb {

class RealFft {
 public:
  explicit RealFft(int n);
  int size() const { return n_; }
  // X[k] = sum_t x[t] e^{-2 pi i k t / n} for k in [0, n/2]: re and im get n/2 + 1 values.
  void Forward(const double* x, double* re, double* im);
  // x[t] = (1/n) sum_k X[k] e^{2 pi i k t / n} from bins 0..n/2 of a Hermitian spectrum (the
  // imaginary parts of bins 0 and n/2 are ignored), as numpy's irfft and src/dsp/irfft.ts.
  void Inverse(const double* re, const double* im, double* x);

 private:
  // In-place complex FFT of length m_ on interleaved z_ (sign -1 forward, +1 inverse), unscaled.
  void Complex(double sign);
  int n_;
  int m_;
  std::vector<int> reverse_;
  std::vector<double> twiddle_;  // e^{-2 pi i j / m} for j < m / 2, interleaved
  std::vector<double> half_;     // e^{-2 pi i k / n} for k < m, interleaved
  std::vector<double> z_;
};

}  // namespace mb
