// Real FFTs of a power-of-two length n through one complex FFT of length m = n / 2, for the
// VQ stream's kernels (yin.cc, pghi.cc). The complex FFT is a radix-2 Stockham transform on
// separate real and imaginary arrays: no bit reversal, and every stage's inner loop runs over
// contiguous data, so the compiler vectorizes it. Plans are built once; transforms allocate
// nothing.
#pragma once
#include <vector>

namespace mb {

constexpr double kPi = 3.14159265358979323846;  // Math.PI

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
  // Complex FFT of length m on (zr_, zi_), unscaled, forward (e^{-i...}); the result is left
  // in (zr_, zi_). The inverse transform conjugates around it.
  void Complex();
  int n_;
  int m_;
  std::vector<double> stage_re_, stage_im_;  // per stage of length L: e^{-2 pi i p / L}, p < L / 2
  std::vector<double> half_re_, half_im_;    // e^{-2 pi i k / n} for k < m
  std::vector<double> zr_, zi_, yr_, yi_;
};

}  // namespace mb
