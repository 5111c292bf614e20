// `npm run bench`: load and inference times of the built app in headless Chromium, per model and
// backend. Cold load = fresh browser profile; cached = the same profile reloaded. Inference =
// the page's "last inference" (photo pixels -> class maps, in the worker) over repeated runs.
// Camera = webcam mode on Chromium's fake camera (a sample photo as video): frames per second and
// ms a frame as the page shows them once it has analysed a backend's number of frames.
// Not a test: it prints a Markdown table for the README. `--loads-only` measures just the two
// loads (no photo, no runs), e.g. to compare float16 with float32 weight storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { BUILTIN_MODELS } from '../src/models/registry';
import { CHROMIUM, chromiumArgs } from './browser';
import { fakeCameraFile } from './fake-camera';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PORT = Number(process.env.BENCH_PORT ?? 4391);
const LOADS_ONLY = process.argv.includes('--loads-only');
const MODELS = BUILTIN_MODELS.map((m) => m.id).reverse(); // the baseline first
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm,webgl,webgpu,cpu').split(',');
/** Runs per backend: software GPUs and plain JS take tens of seconds a pass here. */
const RUNS: Record<string, number> = { wasm: 20, webgl: 3, webgpu: 3, cpu: 3, ...JSON.parse(process.env.BENCH_RUNS ?? '{}') };
/** Camera frames per backend before its figures are read (the page's own running statistics). */
const FRAMES: Record<string, number> = { wasm: 20, webgl: 3, webgpu: 3, cpu: 3, ...JSON.parse(process.env.BENCH_FRAMES ?? '{}') };
const CAMERA = fakeCameraFile('coffee.jpg');

interface Row {
  model: string;
  backend: string;
  device: string;
  cold: number;
  cached: number;
  first: number;
  runs: number[];
  camera: { fps: number; ms: number; frames: number } | null;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function server(): Promise<ChildProcess> {
  // Node itself runs vite (not npx), so that kill() at the end stops the server rather than a wrapper.
  const p = spawn(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'preview', '--port', String(PORT), '--strictPort'], {
    cwd: REPO,
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://localhost:${PORT}/`)).ok) return p;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

async function loadSeconds(page: Page): Promise<number> {
  const done = page.getByTestId('load-done');
  await done.waitFor({ timeout: 600_000 });
  const m = (await done.textContent())!.match(/in ([\d.]+) s/);
  return Number(m![1]);
}

async function lastMs(page: Page): Promise<number> {
  return Number((await page.getByTestId('last-ms').textContent())!.replace(/\D/g, ''));
}

/** Webcam mode until the page has analysed `frames` frames: its frames/s and ms a frame then. */
async function camera(page: Page, frames: number): Promise<Row['camera']> {
  await page.getByTestId('camera-start').click();
  const stats = page.getByTestId('camera-stats');
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=camera-stats]')?.textContent?.match(/(\d+) frames$/)?.[1] ?? 0) >= n,
    frames,
    { timeout: 1_800_000 },
  );
  const m = (await stats.textContent())!.match(/^([\d.]+) frames\/s · (\d+) ms a frame · (\d+) frames$/)!;
  await page.getByTestId('camera-stop').click();
  return { fps: Number(m[1]), ms: Number(m[2]), frames: Number(m[3]) };
}

async function bench(model: string, backend: string): Promise<Row | string> {
  const profile = mkdtempSync(join(tmpdir(), 'drn-lens-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      ...chromiumArgs(true),
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${CAMERA}`,
    ],
    headless: true,
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`http://localhost:${PORT}/?backend=${backend}&model=${model}`);
    const cold = await loadSeconds(page);
    const ran = await page.getByTestId('backend').textContent();
    if (ran !== backend) return `${backend}: not available here (ran ${ran})`;
    const device = (await page.getByTestId('device').textContent()) ?? '';
    await page.reload();
    const cached = await loadSeconds(page);
    if (LOADS_ONLY) return { model, backend, device, cold, cached, first: NaN, runs: [], camera: null };
    const bytes = readFileSync(join(REPO, 'public/samples/coffee.jpg')).toString('base64');
    await page.evaluate((data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'coffee.jpg', { type: 'image/jpeg' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    const rerun = page.getByTestId('rerun');
    await page.getByTestId('class-name-0').waitFor({ timeout: 900_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid=running]'), null, { timeout: 900_000 });
    const first = await lastMs(page);
    const runs: number[] = [];
    for (let i = 0; i < RUNS[backend]; i++) {
      await rerun.click();
      await page
        .waitForFunction(() => (document.querySelector('[data-testid=rerun]') as HTMLButtonElement).disabled, null, { timeout: 60_000 })
        .catch(() => {});
      await page.waitForFunction(() => !(document.querySelector('[data-testid=rerun]') as HTMLButtonElement).disabled, null, { timeout: 900_000 });
      runs.push(await lastMs(page));
    }
    return { model, backend, device, cold, cached, first, runs, camera: await camera(page, FRAMES[backend]) };
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const fmt = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;

/** What the preview server sends for a model (it serves models/ as is): storage type and download size. */
function weightsOf(model: string): string {
  const m = JSON.parse(readFileSync(join(REPO, 'models', model, 'manifest.json'), 'utf8')) as {
    weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
    files: { bytes: number }[];
  };
  const storage = m.weightsManifest[0]?.weights[0]?.quantization?.dtype ?? 'float32';
  return `${model} ${storage} ${(m.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(1)} MB`;
}

const srv = await server();
const rows: Row[] = [];
const skipped: string[] = [];
try {
  for (const backend of BACKENDS) {
    for (const model of MODELS) {
      const r = await bench(model, backend);
      if (typeof r === 'string') {
        skipped.push(r);
        console.error(r);
        break;
      }
      rows.push(r);
      console.error(
        `${model} ${backend}: cold ${r.cold} s, cached ${r.cached} s, first ${fmt(r.first)}, median ${fmt(quantile(r.runs, 0.5))}, camera ${r.camera?.fps ?? '-'} frames/s`,
      );
    }
  }
} finally {
  srv.kill();
}
const version = await (async () => {
  const b = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(false) });
  const v = b.version();
  await b.close();
  return v;
})();
console.log(
  `Headless Chromium ${version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, no GPU${LOADS_ONLY ? '' : '; photo coffee.jpg (600×400)'}.`,
);
console.log(`Weights: ${MODELS.map(weightsOf).join('; ')}${LOADS_ONLY ? '; loads only (--loads-only)' : ''}.\n`);
console.log(
  '| model | backend (device) | cold load | cached load | first run | median | p90 | runs | camera frames/s | camera ms a frame (frames) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.backend} (${r.device}) | ${r.cold.toFixed(1)} s | ${r.cached.toFixed(1)} s | ${fmt(r.first)} | ${fmt(quantile(r.runs, 0.5))} | ${fmt(quantile(r.runs, 0.9))} | ${r.runs.length} | ${r.camera ? r.camera.fps.toFixed(1) : '-'} | ${r.camera ? `${fmt(r.camera.ms)} (${r.camera.frames})` : '-'} |`,
  );
}
for (const s of skipped) console.log(`\n${s}`);
