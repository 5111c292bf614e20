#!/usr/bin/env bash
# Where `eval`'s CPU time goes, per function, from Linux perf's samples: milliseconds of CPU per
# image for the busiest functions (wasm functions have no names in tfjs's build, only indices;
# with --jobs N the jobs' threads are summed). It is how the slow XNNPACK kernel behind
# `eval --jobs N`'s lost speed-up was found (src/cli/backend-node.ts): NODE_FLAGS=--wasm-generic-wrapper
# puts back V8's generic JS-to-wasm wrapper that the CLI turns off.
#
#   bash scripts/wasm-profile.sh [--jobs N] [--limit N] [--model ID] [--data DIR]
#   NODE_FLAGS=--wasm-generic-wrapper bash scripts/wasm-profile.sh --jobs 2
#
# Needs `perf` (Debian: linux-perf) and leave to sample (kernel.perf_event_paranoid <= 2).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=1 limit=16 model=drn-a-50-imagenet data=../shared/data/imagenet-val-dev
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2 ;;
    --limit) limit=$2 ;;
    --model) model=$2 ;;
    --data) data=$2 ;;
    *) echo "wasm-profile: unknown argument $1" >&2 && exit 2 ;;
  esac
  shift 2
done
command -v perf > /dev/null || { echo 'wasm-profile: needs perf (apt install linux-perf)' >&2; exit 2; }
hz=499
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --perf-basic-prof names JIT code (JS functions, and wasm functions by index) in /tmp/perf-PID.map;
# it also turns on V8's log, which would leave an isolate-*.log per thread in the working directory.
# shellcheck disable=SC2086
perf record -q -F $hz -o "$tmp/perf.data" -- node ${NODE_FLAGS:-} --perf-basic-prof --logfile="$tmp/v8.log" \
  --no-logfile-per-isolate --import tsx src/cli/main.ts \
  eval --data "$data" --model "$model" --limit "$limit" --jobs "$jobs" --json > "$tmp/eval.json" 2> "$tmp/eval.err" ||
  { cat "$tmp/eval.err" >&2; exit 1; }
pid_maps=$(perf script -i "$tmp/perf.data" -F pid 2> /dev/null | sort -u | sed 's|.*|/tmp/perf-&.map|')
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const os = require("os");
console.log(`${os.cpus()[0].model} x${os.availableParallelism()}; node ${process.version} ${process.argv[2] || "(no extra flags)"}; ${r.model}, ${r.images} images, --jobs ${r.jobs}, ${r.backend}`);
console.log(`wall ${(r.wallSeconds / r.images).toFixed(2)} s per image after start-up, one image inside its job ${r.jobSecondsPerImage.toFixed(2)} s`);
' "$tmp/eval.json" "${NODE_FLAGS:-}"
images=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).images' "$tmp/eval.json")
echo "CPU ms per image, busiest functions (whole run, start-up included):"
perf report -i "$tmp/perf.data" --no-children --sort sym --stdio -F sample,sym 2> /dev/null |
  awk -v hz=$hz -v n="$images" '
    /^ *[0-9]+ +\[/ { c = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); s[$0] += c; total += c }
    END {
      for (k in s) printf "%9.0f  %s\n", s[k] * 1000 / hz / n, k | "sort -rn | head -8"
      close("sort -rn | head -8")
      printf "%9.0f  all\n", total * 1000 / hz / n
    }'
rm -f $pid_maps
