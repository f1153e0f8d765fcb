#include "cochlea.h"

#include <cmath>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace mb {

// Filters run in the inner loop over independent states, which the compiler vectorizes;
// samples run in the outer loop because each filter's state depends on the previous sample.
// On x86-64 ELF (Linux), an AVX2 clone is chosen at load time where the CPU has it, the
// baseline elsewhere; other platforms build the baseline only.
#if defined(__x86_64__) && defined(__ELF__)
__attribute__((target_clones("avx2", "default")))
#endif
static int Run(const float* coeffs, float* state, int32_t* phase, const float* x, int n,
                   float* out, const CochleaParams& p) {
  const float* __restrict b0 = coeffs;
  const float* __restrict b2 = coeffs + kStride;
  const float* __restrict a1 = coeffs + 2 * kStride;
  const float* __restrict a2 = coeffs + 3 * kStride;
  float* __restrict s1a = state;
  float* __restrict s2a = state + kStride;
  float* __restrict s1b = state + 2 * kStride;
  float* __restrict s2b = state + 3 * kStride;
  float* __restrict mem = state + 4 * kStride;
  float* __restrict integ = state + 5 * kStride;
  const float m = p.membrane;
  const float m1 = 1.0f - m;
  const float k = p.compression;
  const float beta = p.integration;
  const float gain = 1.0f - beta;
  int frames = 0;
  for (int i = 0; i < n; ++i) {
    const float xi = x[i];
#pragma GCC ivdep
    for (int j = 0; j < kStride; ++j) {
      const float ya = b0[j] * xi + s1a[j];
      s1a[j] = -a1[j] * ya + s2a[j];
      s2a[j] = b2[j] * xi - a2[j] * ya;
      const float yb = b0[j] * ya + s1b[j];
      s1b[j] = -a1[j] * yb + s2b[j];
      s2b[j] = b2[j] * ya - a2[j] * yb;
      const float u = yb * k;
      const float h = (0.5f * u) / (1.0f + std::fabs(u));
      mem[j] = m * mem[j] + m1 * h;
    }
#pragma GCC ivdep
    for (int c = 0; c < p.channels; ++c) {
      const float d = mem[c + 1] - mem[c];
      integ[c] = beta * integ[c] + (d > 0.0f ? gain * d : 0.0f);
    }
    if (++*phase == p.frame_length) {
      *phase = 0;
      float* dst = out + frames * p.channels;
      for (int c = 0; c < p.channels; ++c) dst[c] = integ[c];
      ++frames;
    }
  }
  return frames;
}

// Decaying filter states would otherwise sink into float32 subnormals after a sound ends,
// which are slow on x86; flush-to-zero is set for this call only and restored after.
int CochleaProcess(const float* coeffs, float* state, int32_t* phase, const float* x, int n,
                   float* out, const CochleaParams& p) {
#if defined(__SSE__)
  const unsigned int csr = _mm_getcsr();
  _mm_setcsr(csr | 0x8040);  // FTZ | DAZ
  const int frames = Run(coeffs, state, phase, x, n, out, p);
  _mm_setcsr(csr);
  return frames;
#else
  return Run(coeffs, state, phase, x, n, out, p);
#endif
}

void FrameWindowed(const float* x, int frames, int hop, const float* window, int len, float* out) {
  for (int t = 0; t < frames; ++t) {
    const float* src = x + static_cast<long>(t) * hop;
    float* dst = out + static_cast<long>(t) * len;
#pragma GCC ivdep
    for (int i = 0; i < len; ++i) dst[i] = src[i] * window[i];
  }
}

}  // namespace mb
