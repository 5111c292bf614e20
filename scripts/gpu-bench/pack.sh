#!/usr/bin/env bash
# Packs, on this machine, what the GPU benchmark needs on the device machine, which has the GPU and
# PyTorch but no Node and no network: Node itself, Dawn's Node binding (linux-x64 only), one esbuild
# bundle of `bench`, tfjs's wasm files (for --check) into .device/, and the Vulkan loader's Debian
# packages into .gl/ (the device's README: its driver ships no loader). Both folders are git-ignored
# and travel with `carry`; together about 40 MB of the 64 MiB a call may take.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.device
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64"
npx esbuild scripts/gpu-bench/entry.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --outfile="$out/bench.mjs" --log-level=warning \
  --banner:js="import { createRequire as __bannerRequire } from 'node:module'; import { fileURLToPath as __bannerPath } from 'node:url'; import { dirname as __bannerDir } from 'node:path'; const require = __bannerRequire(import.meta.url); const __filename = __bannerPath(import.meta.url); const __dirname = __bannerDir(__filename);"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
xz -T0 -6 -c "$(command -v node)" >"$out/node.xz"
tmp=$(mktemp -d)
(cd "$tmp" && npm init -y >/dev/null && npm install --no-save --ignore-scripts --no-audit --no-fund webgpu@0.6.2 >/dev/null)
cp "$tmp/node_modules/webgpu/package.json" "$tmp/node_modules/webgpu/index.js" "$out/node_modules/webgpu/"
xz -T0 -6 -c "$tmp/node_modules/webgpu/dist/linux-x64/dawn.node" >"$out/dawn.node.xz"
rm -rf "$tmp"
mkdir -p .gl /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update >/dev/null
(cd .gl && rm -f ./*.deb && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1)
du -sh "$out" .gl
