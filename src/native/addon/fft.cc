#include "fft.h"

#include <cmath>
#include <utility>

namespace mb {

RealFft::RealFft(int n) : n_(n), m_(n / 2), half_re_(n / 2), half_im_(n / 2), zr_(n / 2), zi_(n / 2), yr_(n / 2), yi_(n / 2) {
  for (int len = m_; len > 1; len >>= 1) {
    for (int p = 0; p < len / 2; p++) {
      stage_re_.push_back(std::cos(2 * kPi * p / len));
      stage_im_.push_back(-std::sin(2 * kPi * p / len));
    }
  }
  for (int k = 0; k < m_; k++) {
    half_re_[k] = std::cos(2 * kPi * k / n_);
    half_im_[k] = -std::sin(2 * kPi * k / n_);
  }
}

namespace {

// One Stockham stage: `len`-point sub-transforms at stride s (len * s = m). For p < len / 2
// and q < s: a = x[q + s p], b = x[q + s (p + len/2)]; y[q + 2 s p] = a + b,
// y[q + s (2 p + 1)] = (a - b) w^p.
#if defined(__x86_64__) && defined(__ELF__)
__attribute__((target_clones("avx2", "default")))
#endif
void Stage(int len, int s, const double* wr, const double* wi, const double* __restrict xr, const double* __restrict xi,
           double* __restrict yr, double* __restrict yi) {
  const int half = len / 2;
  if (s == 1) {
    for (int p = 0; p < half; p++) {
      const double ar = xr[p], ai = xi[p], br = xr[p + half], bi = xi[p + half];
      const double dr = ar - br, di = ai - bi;
      yr[2 * p] = ar + br;
      yi[2 * p] = ai + bi;
      yr[2 * p + 1] = dr * wr[p] - di * wi[p];
      yi[2 * p + 1] = dr * wi[p] + di * wr[p];
    }
    return;
  }
  for (int p = 0; p < half; p++) {
    const double cr = wr[p], ci = wi[p];
    const double* ar = xr + s * p;
    const double* ai = xi + s * p;
    const double* br = xr + s * (p + half);
    const double* bi = xi + s * (p + half);
    double* sr = yr + 2 * s * p;
    double* si = yi + 2 * s * p;
    double* dr = sr + s;
    double* di = si + s;
    for (int q = 0; q < s; q++) {
      const double xr0 = ar[q] - br[q], xi0 = ai[q] - bi[q];
      sr[q] = ar[q] + br[q];
      si[q] = ai[q] + bi[q];
      dr[q] = xr0 * cr - xi0 * ci;
      di[q] = xr0 * ci + xi0 * cr;
    }
  }
}

}  // namespace

void RealFft::Complex() {
  double* xr = zr_.data();
  double* xi = zi_.data();
  double* yr = yr_.data();
  double* yi = yi_.data();
  const double* wr = stage_re_.data();
  const double* wi = stage_im_.data();
  int s = 1;
  for (int len = m_; len > 1; len >>= 1) {
    Stage(len, s, wr, wi, xr, xi, yr, yi);
    wr += len / 2;
    wi += len / 2;
    std::swap(xr, yr);
    std::swap(xi, yi);
    s <<= 1;
  }
  if (xr != zr_.data()) {
    for (int j = 0; j < m_; j++) {
      zr_[j] = xr[j];
      zi_[j] = xi[j];
    }
  }
}

void RealFft::Forward(const double* x, double* re, double* im) {
  const int m = m_;
  double* zr = zr_.data();
  double* zi = zi_.data();
  for (int j = 0; j < m; j++) {
    zr[j] = x[2 * j];
    zi[j] = x[2 * j + 1];
  }
  Complex();
  // Z[k] = E[k] + i O[k] with E, O the transforms of the even and odd samples:
  // E[k] = (Z[k] + conj Z[m-k]) / 2, O[k] = -i (Z[k] - conj Z[m-k]) / 2, X[k] = E[k] + w^k O[k].
  re[0] = zr[0] + zi[0];
  im[0] = 0;
  re[m] = zr[0] - zi[0];
  im[m] = 0;
  for (int k = 1; k < m; k++) {
    const double ar = zr[k], ai = zi[k];
    const double cr = zr[m - k], ci = -zi[m - k];
    const double er = 0.5 * (ar + cr), ei = 0.5 * (ai + ci);
    const double orr = 0.5 * (ai - ci), oi = -0.5 * (ar - cr);
    const double wr = half_re_[k], wi = half_im_[k];
    re[k] = er + wr * orr - wi * oi;
    im[k] = ei + wr * oi + wi * orr;
  }
}

void RealFft::Inverse(const double* re, const double* im, double* x) {
  const int m = m_;
  double* zr = zr_.data();
  double* zi = zi_.data();
  // Z[k] = (X[k] + conj X[m-k]) + i e^{2 pi i k / n} (X[k] - conj X[m-k]); the inverse
  // transform of Z is conj(FFT(conj Z)), so the imaginary parts go in and come out negated.
  for (int k = 0; k < m; k++) {
    const double ar = re[k], ai = k == 0 ? 0 : im[k];
    const double br = re[m - k], bi = k == 0 ? 0 : -im[m - k];
    const double dr = ar - br, di = ai - bi;
    const double c = half_re_[k], s = -half_im_[k];
    const double orr = dr * c - di * s, oi = dr * s + di * c;
    zr[k] = ar + br - oi;
    zi[k] = -(ai + bi + orr);
  }
  Complex();
  const double scale = 1.0 / n_;
  for (int j = 0; j < m; j++) {
    x[2 * j] = zr[j] * scale;
    x[2 * j + 1] = -zi[j] * scale;
  }
}

}  // namespace mb
