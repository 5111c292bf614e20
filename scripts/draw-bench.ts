// How long the shared renderer takes with many classes and many ground-truth boxes: the first
// draw and then threshold steps (what a slider move costs), on a 960 px canvas like the page's
// viewer, through @napi-rs/canvas like `locate --overlay`. Prints figures; run with
// `npx tsx scripts/draw-bench.ts [classes] [gtBoxes]`.
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

// CPU time besides wall time: on a shared machine the wall clock also counts other processes' turns.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function frame(threshold: number): { build: number; draw: number; cpu: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  const scene = buildScene(inf, { shown: inf.maps.classes, rule: 'cam', threshold, opacity: 0.6, scale: 'class', rawGrid: false, gt, names });
  const t1 = performance.now();
  drawScene<ImageData>(ctx, scene, W, H, 1);
  return { build: t1 - t0, draw: performance.now() - t1, cpu: cpuMs() - c0 };
}

const first = frame(0.2);
console.log(`${classes} classes, ${boxes} ground-truth boxes, ${W}x${H} canvas`);
console.log(`first frame: build ${first.build.toFixed(0)} ms, draw ${first.draw.toFixed(0)} ms wall; ${first.cpu.toFixed(0)} ms CPU`);
const steps = [0.25, 0.3, 0.35, 0.4, 0.45].map(frame);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[2].toFixed(0);
console.log(
  `threshold steps (median of 5): ${median(steps.map((s) => s.build + s.draw))} ms wall (build ${median(steps.map((s) => s.build))}, draw ${median(steps.map((s) => s.draw))}); ${median(steps.map((s) => s.cpu))} ms CPU`,
);
