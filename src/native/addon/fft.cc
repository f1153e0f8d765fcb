#include "fft.h"

#include <cmath>

namespace mb {

RealFft::RealFft(int n) : n_(n), m_(n / 2), reverse_(n / 2), twiddle_(n / 2), half_(n), z_(n) {
  int bits = 0;
  while ((1 << bits) < m_) bits++;
  for (int i = 0; i < m_; i++) {
    int r = 0;
    for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reverse_[i] = r;
  }
  for (int j = 0; j < m_ / 2; j++) {
    twiddle_[2 * j] = std::cos(2 * M_PI * j / m_);
    twiddle_[2 * j + 1] = -std::sin(2 * M_PI * j / m_);
  }
  for (int k = 0; k < m_; k++) {
    half_[2 * k] = std::cos(2 * M_PI * k / n_);
    half_[2 * k + 1] = -std::sin(2 * M_PI * k / n_);
  }
}

void RealFft::Complex(double sign) {
  double* z = z_.data();
  const int m = m_;
  for (int i = 0; i < m; i++) {
    const int r = reverse_[i];
    if (r > i) {
      std::swap(z[2 * i], z[2 * r]);
      std::swap(z[2 * i + 1], z[2 * r + 1]);
    }
  }
  // First stage: butterflies of two with unit twiddles.
  for (int i = 0; i < m; i += 2) {
    const double ar = z[2 * i], ai = z[2 * i + 1], br = z[2 * i + 2], bi = z[2 * i + 3];
    z[2 * i] = ar + br;
    z[2 * i + 1] = ai + bi;
    z[2 * i + 2] = ar - br;
    z[2 * i + 3] = ai - bi;
  }
  const double* tw = twiddle_.data();
  for (int len = 4; len <= m; len <<= 1) {
    const int halfLen = len >> 1;
    const int step = m / len;
    for (int start = 0; start < m; start += len) {
      double* a = z + 2 * start;
      double* b = a + 2 * halfLen;
      for (int j = 0; j < halfLen; j++) {
        const double wr = tw[2 * j * step];
        const double wi = sign < 0 ? tw[2 * j * step + 1] : -tw[2 * j * step + 1];
        const double br = b[2 * j] * wr - b[2 * j + 1] * wi;
        const double bi = b[2 * j] * wi + b[2 * j + 1] * wr;
        const double ar = a[2 * j], ai = a[2 * j + 1];
        a[2 * j] = ar + br;
        a[2 * j + 1] = ai + bi;
        b[2 * j] = ar - br;
        b[2 * j + 1] = ai - bi;
      }
    }
  }
}

void RealFft::Forward(const double* x, double* re, double* im) {
  const int m = m_;
  double* z = z_.data();
  for (int j = 0; j < 2 * m; j++) z[j] = x[j];
  Complex(-1);
  // Z[k] = E[k] + i O[k] with E, O the transforms of the even and odd samples:
  // E[k] = (Z[k] + conj Z[m-k]) / 2, O[k] = -i (Z[k] - conj Z[m-k]) / 2, X[k] = E[k] + w^k O[k].
  re[0] = z[0] + z[1];
  im[0] = 0;
  re[m] = z[0] - z[1];
  im[m] = 0;
  for (int k = 1; k < m; k++) {
    const double zr = z[2 * k], zi = z[2 * k + 1];
    const double cr = z[2 * (m - k)], ci = -z[2 * (m - k) + 1];
    const double er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
    const double orr = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
    const double wr = half_[2 * k], wi = half_[2 * k + 1];
    re[k] = er + wr * orr - wi * oi;
    im[k] = ei + wr * oi + wi * orr;
  }
}

void RealFft::Inverse(const double* re, const double* im, double* x) {
  const int m = m_;
  double* z = z_.data();
  // Z[k] = (X[k] + conj X[m-k]) + i e^{2 pi i k / n} (X[k] - conj X[m-k]).
  for (int k = 0; k < m; k++) {
    const double ar = re[k], ai = k == 0 ? 0 : im[k];
    const double br = re[m - k], bi = k == 0 ? 0 : -im[m - k];
    const double dr = ar - br, di = ai - bi;
    const double c = half_[2 * k], s = -half_[2 * k + 1];
    const double orr = dr * c - di * s, oi = dr * s + di * c;
    z[2 * k] = ar + br - oi;
    z[2 * k + 1] = ai + bi + orr;
  }
  Complex(1);
  const double scale = 1.0 / n_;
  for (int j = 0; j < 2 * m; j++) x[j] = z[j] * scale;
}

}  // namespace mb
