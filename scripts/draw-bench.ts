// How long the shared renderer takes with many classes and many ground-truth boxes: the first
// draw and then threshold steps (what a slider move costs), on a 960 px canvas like the page's
// viewer, through @napi-rs/canvas like `locate --overlay`. Frames start from the photo as the
// page's renderPhoto does: the first draws it and reads it back, later ones copy the kept pixels
// (the "photo" figure). Prints figures; run with `npx tsx scripts/draw-bench.ts [classes] [gtBoxes]`.
import { createCanvas, type ImageData } from '@napi-rs/canvas';
import { performance } from 'node:perf_hooks';
import { inputTransform } from '../src/image/geometry';
import type { Box } from '../src/localize/boxes';
import type { Inference } from '../src/models/class-maps';
import { buildScene, drawScene } from '../src/draw/scene';

const classes = Number(process.argv[2] ?? 1000);
const boxes = Number(process.argv[3] ?? 10000);
const W = 960,
  H = 720,
  G = 28;

let seed = 7;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
// Smooth random maps: a few bumps per class, so regions, contours and boxes look like real ones.
const data = new Float32Array(classes * G * G);
for (let c = 0; c < classes; c++) {
  const bumps = Array.from({ length: 3 }, () => [rand() * G, rand() * G, 2 + rand() * 6, rand() * 10 - 2]);
  for (let y = 0; y < G; y++)
    for (let x = 0; x < G; x++)
      data[c * G * G + y * G + x] = bumps.reduce((s, [bx, by, r, h]) => s + h * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (r * r)), 0) - 1;
}
const logits = new Float32Array(1000).map(() => rand() * 10);
const transform = inputTransform({ mode: 'stretch', size: 224 }, W, H);
const inf: Inference = {
  top: [],
  maps: { width: G, height: G, cellSize: 8, classes: Array.from({ length: classes }, (_, i) => i), data, winner: new Int32Array(0) },
  logits,
  transform,
  backend: 'cpu',
  taught: [],
  ms: 0,
};
const gt: Box[] = Array.from({ length: boxes }, () => {
  const x = rand() * (W - 20),
    y = rand() * (H - 20);
  return [x, y, x + 10 + rand() * (W - x - 10), y + 10 + rand() * (H - y - 10)];
});
const names = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
const canvas = createCanvas(W, H);
const ctx = canvas.getContext('2d');
// A photo of smooth gradients, standing in for the page's bitmap.
const photo = ctx.createImageData(W, H);
for (let p = 0; p < W * H; p++) {
  const x = p % W,
    y = Math.floor(p / W);
  photo.data.set([(255 * x) / W, (255 * y) / H, 128 + 100 * Math.sin((x + y) / 40), 255], 4 * p);
}
let kept: { pixels: Uint8ClampedArray; frame: ImageData } | null = null;

// CPU time besides wall time: on a shared machine the wall clock also counts other processes' turns.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function frame(threshold: number): { photo: number; build: number; draw: number; cpu: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  if (kept) kept.frame.data.set(kept.pixels);
  else {
    ctx.putImageData(photo, 0, 0);
    const frame = ctx.getImageData(0, 0, W, H);
    kept = { pixels: frame.data.slice(), frame };
  }
  const t1 = performance.now();
  const scene = buildScene(inf, { shown: inf.maps.classes, rule: 'cam', threshold, opacity: 0.6, scale: 'class', rawGrid: false, gt, names });
  const t2 = performance.now();
  drawScene<ImageData>(ctx, scene, W, H, 1, { image: kept.frame });
  return { photo: t1 - t0, build: t2 - t1, draw: performance.now() - t2, cpu: cpuMs() - c0 };
}

const first = frame(0.2);
console.log(`${classes} classes, ${boxes} ground-truth boxes, ${W}x${H} canvas`);
console.log(
  `first frame: photo ${first.photo.toFixed(0)} ms, build ${first.build.toFixed(0)} ms, draw ${first.draw.toFixed(0)} ms wall; ${first.cpu.toFixed(0)} ms CPU`,
);
// Fifteen different thresholds, one slider move each: a median that one busy moment cannot move.
const steps = Array.from({ length: 15 }, (_, i) => 0.22 + 0.02 * i).map(frame);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1].toFixed(0);
const of = (k: 'photo' | 'build' | 'draw' | 'cpu') => median(steps.map((s) => s[k]));
console.log(
  `threshold steps (median of ${steps.length}): ${median(steps.map((s) => s.photo + s.build + s.draw))} ms wall (photo ${of('photo')}, build ${of('build')}, draw ${of('draw')}); ${of('cpu')} ms CPU`,
);
