#!/usr/bin/env bash
# Runs on the device machine (see pack.sh): the WebGPU benchmark through Dawn and PyTorch eager on
# the same GPU, in one call, so the two times are comparable. Arguments go to both (--runs N, --size S).
# Usage there: bash scripts/gpu-bench/run.sh [ARCH,...]
set -uo pipefail
cd "$(dirname "$0")/../.."
archs=${1:-drn_a_50,resnet_50}
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
d=/tmp/gpu-bench
rm -rf $d && cp -r .device $d
xz -d $d/node.xz && chmod +x $d/node
xz -dc $d/dawn.node.xz >$d/node_modules/webgpu/dist/linux-x64/dawn.node
ls /usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
lscpu | grep -m1 'Model name'
echo "== WebGPU through Dawn, $archs (replayed)"
$d/node $d/bench.mjs --backend webgpu --arch "$archs" --runs 60 --profile
echo "== op by op through tfjs"
$d/node $d/bench.mjs --backend webgpu --arch "$archs" --runs 60 --no-replay
echo "== 448 px"
$d/node $d/bench.mjs --backend webgpu --arch "$archs" --runs 30 --size 448
echo "== against wasm"
$d/node $d/bench.mjs --backend webgpu --arch "$archs" --runs 4 --check
echo "== PyTorch eager, same GPU"
python3 scripts/gpu-bench/torch_eager.py --runs 60 ${archs//,/ }
python3 scripts/gpu-bench/torch_eager.py --runs 30 --size 448 ${archs//,/ }
