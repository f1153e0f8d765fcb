#!/usr/bin/env bash
# Idempotent set-up for tests and training on Debian with Node 20:
# Debian packages (python3-torch, python3-matplotlib for the training figures, puredata, sox, espeak-ng, chromium for the browser tests,
# fluidsynth and soundfonts for the sampled-instrument sets, DejaVu fonts for the figures), npm
# packages, TypeScript build and the page's bundle (npm run build),
# the native addon and the Pd external.
set -euo pipefail
cd "$(dirname "$0")/.."

# aubio-tools: aubiopitch, the voice bench's independent pitch truth.
# fluidsynth + soundfonts: sampled-instrument sets. TimGM6mb and OPL-3 may feed training and
# development; FluidR3_GM (fluid-soundfont-gm) is test-only, so figures on it stay held out.
PKGS=(python3-torch python3-matplotlib puredata-core puredata-dev puredata-extra sox libsox-fmt-all espeak-ng g++ make chromium fluidsynth timgm6mb-soundfont opl3-soundfont fluid-soundfont-gm fonts-dejavu-core aubio-tools)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install"
  npm install --no-audit --no-fund
else
  echo "setup: node_modules up to date"
  node scripts/build-native.cjs
fi
npm run -s build
if [ -f externals/Makefile ]; then
  make -s -C externals
fi
echo "setup: done"
