#include "cochlea.h"

#include <cmath>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace mb {

using v8f = float __attribute__((vector_size(32)));
using v8i = int __attribute__((vector_size(32)));

static inline v8f Load(const float* p) {
  v8f v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

static inline void Store(float* p, v8f v) { __builtin_memcpy(p, &v, sizeof v); }

// Samples per pass of stages 1-2; the hair-cell scratch (kSub x kStride floats) stays in L1.
constexpr int kSub = 32;

// Stages 1-2 run group-major: 8 filters at a time keep their states in vector registers for
// kSub samples (each filter depends only on its own past), writing hair-cell outputs to a
// sample-major scratch; stages 3-4 then run sample by sample across channels. On x86-64 ELF
// (Linux) an AVX2 clone is chosen at load time where the CPU has it, the baseline elsewhere.
#if defined(__x86_64__) && defined(__ELF__)
__attribute__((target_clones("avx2", "default")))
#endif
static int Run(const float* coeffs, float* state, int32_t* phase, const float* x, int n,
               float* out, const CochleaParams& p) {
  float* integ = state + 5 * kStride;
  // Constant factors are folded where the algebra allows (results equal the TS path within
  // float rounding): the compression scale k into the second section's numerator (its states
  // are kept k-scaled), the sigmoid's 0.5 into the membrane gain, and the integrator's (1 - beta)
  // into the frame read-out (the integrator state is kept divided by it).
  const float m = p.membrane;
  const float m1h = 0.5f * (1.0f - m);
  const float k = p.compression;
  const float beta = p.integration;
  const float gain = 1.0f - beta;
  const v8i abs_mask = v8i{} + 0x7fffffff;
  float hc[kSub * kStride];
  int frames = 0;
  for (int start = 0; start < n; start += kSub) {
    const int len = n - start < kSub ? n - start : kSub;
    for (int g = 0; g < kStride; g += 8) {
      const v8f b0 = Load(coeffs + g), b2 = Load(coeffs + kStride + g);
      const v8f a1 = Load(coeffs + 2 * kStride + g), a2 = Load(coeffs + 3 * kStride + g);
      v8f s1a = Load(state + g), s2a = Load(state + kStride + g);
      v8f s1b = Load(state + 2 * kStride + g), s2b = Load(state + 3 * kStride + g);
      v8f mem = Load(state + 4 * kStride + g);
      const v8f kb0 = b0 * k, kb2 = b2 * k;
      for (int i = 0; i < len; ++i) {
        const float xi = x[start + i];
        const v8f ya = b0 * xi + s1a;
        s1a = -a1 * ya + s2a;
        s2a = b2 * xi - a2 * ya;
        const v8f u = kb0 * ya + s1b;
        s1b = -a1 * u + s2b;
        s2b = kb2 * ya - a2 * u;
        const v8f au = reinterpret_cast<v8f>(reinterpret_cast<v8i>(u) & abs_mask);
        mem = m * mem + m1h * (u / (1.0f + au));
        Store(hc + i * kStride + g, mem);
      }
      Store(state + g, s1a);
      Store(state + kStride + g, s2a);
      Store(state + 2 * kStride + g, s1b);
      Store(state + 3 * kStride + g, s2b);
      Store(state + 4 * kStride + g, mem);
    }
    for (int i = 0; i < len; ++i) {
      const float* row = hc + i * kStride;
#pragma GCC ivdep
      for (int c = 0; c < p.channels; ++c) {
        const float d = row[c + 1] - row[c];
        integ[c] = beta * integ[c] + (d > 0.0f ? d : 0.0f);
      }
      if (++*phase == p.frame_length) {
        *phase = 0;
        float* dst = out + frames * p.channels;
        for (int c = 0; c < p.channels; ++c) dst[c] = gain * integ[c];
        ++frames;
      }
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
