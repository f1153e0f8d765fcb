// Node-API classes for the VQ stream's kernels: PhaseReconstructor (pghi.h) and Yin (yin.h).
// Arguments are checked here so a wrong call from JavaScript throws a TypeError instead of
// reading out of bounds.
#include "vq.h"

#include <memory>

#include "pghi.h"
#include "yin.h"

namespace mb {
namespace {

Napi::Value Fail(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool IsArrayOf(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

bool AllNumbers(const Napi::CallbackInfo& info, int from, int to) {
  for (int i = from; i < to; i++)
    if (!info[i].IsNumber()) return false;
  return true;
}

// Float32Array or Float64Array with at least `needed` values from `offset`: calls f(pointer).
template <typename F>
bool WithSamples(const Napi::Value& v, size_t offset, size_t needed, F f) {
  if (IsArrayOf(v, napi_float32_array)) {
    auto a = v.As<Napi::Float32Array>();
    if (a.ElementLength() < offset + needed) return false;
    f(a.Data() + offset);
    return true;
  }
  if (IsArrayOf(v, napi_float64_array)) {
    auto a = v.As<Napi::Float64Array>();
    if (a.ElementLength() < offset + needed) return false;
    f(a.Data() + offset);
    return true;
  }
  return false;
}

class PhaseReconstructorWrap : public Napi::ObjectWrap<PhaseReconstructorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "PhaseReconstructor",
                       {InstanceMethod("next", &PhaseReconstructorWrap::Next), InstanceMethod("flush", &PhaseReconstructorWrap::Flush),
                        InstanceMethod("reset", &PhaseReconstructorWrap::Reset)});
  }

  // new PhaseReconstructor(frameLength, hop, tolerance, lookahead, synthesisWindow, sineTable, sineSteps, bucketsPerNeper)
  explicit PhaseReconstructorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PhaseReconstructorWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 8 || !AllNumbers(info, 0, 4) || !IsArrayOf(info[4], napi_float32_array) || !IsArrayOf(info[5], napi_float64_array) ||
        !AllNumbers(info, 6, 8)) {
      Fail(env, "PhaseReconstructor(frameLength, hop, tolerance, lookahead, Float32Array window, Float64Array sineTable, sineSteps, bucketsPerNeper)");
      return;
    }
    const int n = info[0].As<Napi::Number>().Int32Value();
    const int hop = info[1].As<Napi::Number>().Int32Value();
    const double tolerance = info[2].As<Napi::Number>().DoubleValue();
    const int lookahead = info[3].As<Napi::Number>().Int32Value();
    auto window = info[4].As<Napi::Float32Array>();
    auto table = info[5].As<Napi::Float64Array>();
    const int steps = info[6].As<Napi::Number>().Int32Value();
    const int per_neper = info[7].As<Napi::Number>().Int32Value();
    if (n < 16 || n > (1 << 16) || (n & (n - 1)) != 0 || hop < 1 || hop > n || !(tolerance > 0 && tolerance < 1) || (lookahead != 0 && lookahead != 1) ||
        steps < 4 || steps % 4 != 0 || per_neper < 1 || per_neper > 10000) {
      Fail(env, "PhaseReconstructor: bad frameLength, hop, tolerance, lookahead, sineSteps or bucketsPerNeper");
      return;
    }
    if (window.ElementLength() != static_cast<size_t>(n) || table.ElementLength() < static_cast<size_t>(steps + steps / 4 + 2)) {
      Fail(env, "PhaseReconstructor: window or sine table has the wrong length");
      return;
    }
    core_ = std::make_unique<Pghi>(n, hop, tolerance, lookahead, window.Data(), table.Data(), steps, per_neper);
    frame_length_ = n;
  }

 private:
  // next(magnitudes, offset, gain, frame) -> bool
  Napi::Value Next(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!core_) return Fail(env, "PhaseReconstructor was not constructed");
    if (info.Length() != 4 || !AllNumbers(info, 1, 3) || !IsArrayOf(info[3], napi_float32_array)) return Fail(env, "next(magnitudes, offset, gain, Float32Array frame)");
    auto frame = info[3].As<Napi::Float32Array>();
    if (frame.ElementLength() < static_cast<size_t>(frame_length_)) return Fail(env, "next: frame too short");
    const int64_t offset = info[1].As<Napi::Number>().Int64Value();
    const double gain = info[2].As<Napi::Number>().DoubleValue();
    if (offset < 0) return Fail(env, "next: negative offset");
    bool wrote = false;
    const bool ok = WithSamples(info[0], static_cast<size_t>(offset), core_->bins(), [&](const auto* m) { wrote = core_->Next(m, gain, frame.Data()); });
    if (!ok) return Fail(env, "next: magnitudes must be a Float32Array or Float64Array with bins values from offset");
    return Napi::Boolean::New(env, wrote);
  }

  Napi::Value Flush(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!core_) return Fail(env, "PhaseReconstructor was not constructed");
    if (info.Length() != 1 || !IsArrayOf(info[0], napi_float32_array)) return Fail(env, "flush(Float32Array frame)");
    auto frame = info[0].As<Napi::Float32Array>();
    if (frame.ElementLength() < static_cast<size_t>(frame_length_)) return Fail(env, "flush: frame too short");
    return Napi::Boolean::New(env, core_->Flush(frame.Data()));
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    if (core_) core_->Reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Pghi> core_;
  int frame_length_ = 0;
};

class YinWrap : public Napi::ObjectWrap<YinWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Yin",
                       {InstanceMethod("estimate", &YinWrap::Estimate), InstanceMethod("hannPowerSpectrum", &YinWrap::HannPowerSpectrum),
                        InstanceMethod("frameSpectrum", &YinWrap::FrameSpectrum)});
  }

  // new Yin(frameLength, size, minLag, maxLag, threshold, sampleRate)
  explicit YinWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<YinWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 6 || !AllNumbers(info, 0, 6)) {
      Fail(env, "Yin(frameLength, size, minLag, maxLag, threshold, sampleRate)");
      return;
    }
    const int n = info[0].As<Napi::Number>().Int32Value();
    const int size = info[1].As<Napi::Number>().Int32Value();
    const int min_lag = info[2].As<Napi::Number>().Int32Value();
    const int max_lag = info[3].As<Napi::Number>().Int32Value();
    const double threshold = info[4].As<Napi::Number>().DoubleValue();
    const double rate = info[5].As<Napi::Number>().DoubleValue();
    if (n < 32 || n > 65536 || size < n || size > 131072 || (size & (size - 1)) != 0 || min_lag < 2 || max_lag < min_lag || 2 * max_lag > n || !(rate > 0)) {
      Fail(env, "Yin: bad frameLength, size or lags");
      return;
    }
    core_ = std::make_unique<Yin>(n, size, min_lag, max_lag, threshold, rate);
    frame_length_ = n;
    size_ = size;
  }

 private:
  // estimate(frame, offset, result) -> f0; result (Float64Array(2)) gets f0 and confidence.
  Napi::Value Estimate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!core_) return Fail(env, "Yin was not constructed");
    if (info.Length() != 3 || !info[1].IsNumber() || !IsArrayOf(info[2], napi_float64_array)) return Fail(env, "estimate(frame, offset, Float64Array result)");
    auto result = info[2].As<Napi::Float64Array>();
    const int64_t offset = info[1].As<Napi::Number>().Int64Value();
    if (result.ElementLength() < 2 || offset < 0) return Fail(env, "estimate: result needs 2 values, offset >= 0");
    YinResult r{};
    const bool ok = WithSamples(info[0], static_cast<size_t>(offset), frame_length_, [&](const auto* x) { r = core_->Estimate(x); });
    if (!ok) return Fail(env, "estimate: frame must be a Float32Array or Float64Array with frameLength values from offset");
    result[0] = r.f0;
    result[1] = r.confidence;
    return Napi::Number::New(env, r.f0);
  }

  Napi::Value HannPowerSpectrum(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!core_) return Fail(env, "Yin was not constructed");
    if (size_ != frame_length_) return Fail(env, "hannPowerSpectrum needs a power-of-two frameLength");
    if (info.Length() != 1 || !IsArrayOf(info[0], napi_float32_array)) return Fail(env, "hannPowerSpectrum(Float32Array out)");
    auto out = info[0].As<Napi::Float32Array>();
    if (out.ElementLength() < static_cast<size_t>(frame_length_ / 2 + 1)) return Fail(env, "hannPowerSpectrum: out too short");
    core_->HannPowerSpectrum(out.Data());
    return env.Undefined();
  }

  // frameSpectrum(frames, offset, gainFloor, magnitudes, magnitudesOffset, result) -> gain;
  // result (Float64Array(2)) gets f0 and confidence.
  Napi::Value FrameSpectrum(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!core_) return Fail(env, "Yin was not constructed");
    if (size_ != frame_length_) return Fail(env, "frameSpectrum needs a power-of-two frameLength");
    if (info.Length() != 6 || !IsArrayOf(info[0], napi_float32_array) || !AllNumbers(info, 1, 3) || !IsArrayOf(info[3], napi_float32_array) ||
        !info[4].IsNumber() || !IsArrayOf(info[5], napi_float64_array))
      return Fail(env, "frameSpectrum(Float32Array frames, offset, gainFloor, Float32Array magnitudes, magnitudesOffset, Float64Array result)");
    auto frames = info[0].As<Napi::Float32Array>();
    auto magnitudes = info[3].As<Napi::Float32Array>();
    auto result = info[5].As<Napi::Float64Array>();
    const int64_t offset = info[1].As<Napi::Number>().Int64Value();
    const int64_t out_offset = info[4].As<Napi::Number>().Int64Value();
    const double floor = info[2].As<Napi::Number>().DoubleValue();
    const size_t bins = static_cast<size_t>(frame_length_ / 2 + 1);
    if (offset < 0 || out_offset < 0 || frames.ElementLength() < static_cast<size_t>(offset) + frame_length_ ||
        magnitudes.ElementLength() < static_cast<size_t>(out_offset) + bins || result.ElementLength() < 2 || !(floor > 0))
      return Fail(env, "frameSpectrum: arrays too short, negative offset or gain floor not > 0");
    YinResult r{};
    const float gain = core_->FrameSpectrum(frames.Data() + offset, floor, magnitudes.Data() + out_offset, &r);
    result[0] = r.f0;
    result[1] = r.confidence;
    return Napi::Number::New(env, gain);
  }

  std::unique_ptr<Yin> core_;
  int frame_length_ = 0;
  int size_ = 0;
};

}  // namespace

void RegisterVq(Napi::Env env, Napi::Object exports) {
  exports.Set("PhaseReconstructor", PhaseReconstructorWrap::Define(env));
  exports.Set("Yin", YinWrap::Define(env));
}

}  // namespace mb
