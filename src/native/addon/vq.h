// Registers the VQ stream's native classes (PhaseReconstructor, Yin) on the addon's exports.
#pragma once
#include <napi.h>

namespace mb {
void RegisterVq(Napi::Env env, Napi::Object exports);
}
