{
  "targets": [
    {
      "target_name": "mirrorbridge_native",
      "sources": [
        "src/native/addon/addon.cc",
        "src/native/addon/cochlea.cc",
        "src/native/addon/fft.cc",
        "src/native/addon/pghi.cc",
        "src/native/addon/vq.cc",
        "src/native/addon/yin.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-fno-math-errno", "-std=c++17", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
    }
  ]
}
