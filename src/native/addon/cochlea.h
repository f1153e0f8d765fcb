// The auditory model's per-sample core (see src/dsp/cochlea.ts for the model): cochlear
// band-pass cascade, hair-cell compression and membrane low-pass, lateral inhibition,
// leaky integration and frame sampling. Host-free: plain arrays in, frames out.
#pragma once
#include <cstdint>

namespace mb {

constexpr int kFilters = 129;
// Per-filter arrays are padded to a multiple of 8 floats so the vectorized loop needs no
// scalar remainder; padding filters have zero coefficients and stay silent.
constexpr int kStride = 136;

struct CochleaParams {
  float membrane;      // membrane low-pass coefficient
  float integration;   // leaky-integration coefficient
  float compression;   // 1 / (2 fac)
  int channels;        // output channels (<= kFilters - 1)
  int frame_length;    // samples per frame
};

// coeffs: 4 arrays of kStride (b0, b2, a1, a2), structure of arrays.
// state: 5 arrays of kStride (s1a, s2a, s1b, s2b, membrane), then `channels` integrators.
// phase: samples since the last frame. Writes each finished frame (channels floats) to `out`
// and returns how many frames were written; `out` must hold ceil(n / frame_length) + 1 frames.
int CochleaProcess(const float* coeffs, float* state, int32_t* phase, const float* x, int n,
                   float* out, const CochleaParams& p);

// Windowed STFT framing: frame t = x[t*hop .. t*hop+len) * window, written contiguously.
void FrameWindowed(const float* x, int frames, int hop, const float* window, int len, float* out);

}  // namespace mb
