// Node-API bindings of the hot loops. Arguments are checked here so a wrong call from
// JavaScript throws a TypeError instead of reading out of bounds.
#include <napi.h>

#include "cochlea.h"
#include "vq.h"

namespace {

template <typename T>
bool IsTyped(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

Napi::Value Fail(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// cochleaProcess(coeffs, state, phase, x, out, membrane, integration, compression, channels, frameLength) -> frames
Napi::Value CochleaProcess(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 10) return Fail(env, "cochleaProcess expects 10 arguments");
  for (int i : {0, 1, 3, 4})
    if (!IsTyped<float>(info[i], napi_float32_array)) return Fail(env, "cochleaProcess: Float32Array expected");
  if (!IsTyped<int32_t>(info[2], napi_int32_array)) return Fail(env, "cochleaProcess: phase must be an Int32Array");
  auto coeffs = info[0].As<Napi::Float32Array>();
  auto state = info[1].As<Napi::Float32Array>();
  auto phase = info[2].As<Napi::Int32Array>();
  auto x = info[3].As<Napi::Float32Array>();
  auto out = info[4].As<Napi::Float32Array>();
  mb::CochleaParams p{};
  p.membrane = info[5].As<Napi::Number>().FloatValue();
  p.integration = info[6].As<Napi::Number>().FloatValue();
  p.compression = info[7].As<Napi::Number>().FloatValue();
  p.channels = info[8].As<Napi::Number>().Int32Value();
  p.frame_length = info[9].As<Napi::Number>().Int32Value();
  const long n = static_cast<long>(x.ElementLength());
  if (p.channels < 1 || p.channels > mb::kFilters - 1 || p.frame_length < 1) return Fail(env, "cochleaProcess: bad channels or frame length");
  if (coeffs.ElementLength() < 4u * mb::kStride) return Fail(env, "cochleaProcess: coeffs too short");
  if (state.ElementLength() < 5u * mb::kStride + p.channels) return Fail(env, "cochleaProcess: state too short");
  if (phase.ElementLength() < 1) return Fail(env, "cochleaProcess: phase too short");
  const long max_frames = n / p.frame_length + 1;
  if (static_cast<long>(out.ElementLength()) < max_frames * p.channels) return Fail(env, "cochleaProcess: out too short");
  int frames = mb::CochleaProcess(coeffs.Data(), state.Data(), phase.Data(), x.Data(), static_cast<int>(n), out.Data(), p);
  return Napi::Number::New(env, frames);
}

// frameWindowed(x, frames, hop, window, out)
Napi::Value FrameWindowed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 5) return Fail(env, "frameWindowed expects 5 arguments");
  if (!IsTyped<float>(info[0], napi_float32_array) || !IsTyped<float>(info[3], napi_float32_array) ||
      !IsTyped<float>(info[4], napi_float32_array))
    return Fail(env, "frameWindowed: Float32Array expected");
  auto x = info[0].As<Napi::Float32Array>();
  const long frames = info[1].As<Napi::Number>().Int64Value();
  const long hop = info[2].As<Napi::Number>().Int64Value();
  auto window = info[3].As<Napi::Float32Array>();
  auto out = info[4].As<Napi::Float32Array>();
  const long len = static_cast<long>(window.ElementLength());
  if (frames < 0 || hop < 1) return Fail(env, "frameWindowed: bad frames or hop");
  if (frames > 0 && (frames - 1) * hop + len > static_cast<long>(x.ElementLength())) return Fail(env, "frameWindowed: input too short");
  if (frames * len > static_cast<long>(out.ElementLength())) return Fail(env, "frameWindowed: out too short");
  mb::FrameWindowed(x.Data(), static_cast<int>(frames), static_cast<int>(hop), window.Data(), static_cast<int>(len), out.Data());
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cochleaProcess", Napi::Function::New(env, CochleaProcess));
  exports.Set("frameWindowed", Napi::Function::New(env, FrameWindowed));
  exports.Set("filters", Napi::Number::New(env, mb::kFilters));
  exports.Set("stride", Napi::Number::New(env, mb::kStride));
  mb::RegisterVq(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(mirrorbridge_native, Init)
