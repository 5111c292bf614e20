// `npm run bench`: the first minute and the inference times of the built app in headless Chromium,
// per model and backend (BENCH_BACKENDS, default wasm; BENCH_MODELS, default both).
// First maps: a cold visit (fresh browser profile) and a cached one (the same profile, navigated to
// again: Cache Storage holds the weights), each clicking the coffee cup sample as soon as it shows;
// the time from navigation to its first maps, split by the page's own marks (src/app/timeline.ts).
// Inference = the page's "last inference" (photo pixels -> class maps, in the worker) over repeated
// runs. Camera = webcam mode on Chromium's fake camera (a sample photo as video): frames per second
// and ms a frame as the page shows them once it has analysed a backend's number of frames.
// Not a test: it prints Markdown tables. `--loads-only` measures just the two visits (no runs, no
// camera). BENCH_OUT_DIR serves another build folder than dist (to compare two builds).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { BUILTIN_MODELS } from '../src/models/registry';
import { CHROMIUM, chromiumArgs } from './browser';
import { fakeCameraFile } from './fake-camera';
import { startPreview } from './preview-server';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PORT = Number(process.env.BENCH_PORT ?? 4391);
const LOADS_ONLY = process.argv.includes('--loads-only');
const MODELS = process.env.BENCH_MODELS?.split(',') ?? BUILTIN_MODELS.map((m) => m.id).reverse(); // the baseline first
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm').split(',');
const OUT_DIR = process.env.BENCH_OUT_DIR ?? 'dist';
/** Runs per backend: software GPUs and plain JS take tens of seconds a pass here. */
const RUNS: Record<string, number> = { wasm: 20, webgl: 3, webgpu: 3, cpu: 3, ...JSON.parse(process.env.BENCH_RUNS ?? '{}') };
/** Camera frames per backend before its figures are read (the page's own running statistics). */
const FRAMES: Record<string, number> = { wasm: 20, webgl: 3, webgpu: 3, cpu: 3, ...JSON.parse(process.env.BENCH_FRAMES ?? '{}') };
const CAMERA = fakeCameraFile('coffee.jpg');

/** One visit, navigation to the sample's first maps, in ms from the navigation (the page's marks). */
interface Visit {
  /** Drawn: the first maps' frame. */
  maps: number;
  /** The page, its worker and the backend started. */
  start: number;
  /**
   * In the worker, once the backend is up: the weights' files read and checked (of which sha256;
   * reading begins with the request, so what went on during the backend's start is not here),
   * then made tensors.
   */
  bytes: number;
  sha256: number;
  tensors: number;
  /** The model shown ready (class names, search, a photo can be opened). */
  ready: number;
  /** A warm-up that ran before the photo (0: none). */
  warmUp: number;
  /** The photo's run in the worker. */
  inference: number;
  /** Weight bytes from the browser's cache, of all. */
  cachedBytes: number;
  totalBytes: number;
}

interface Row {
  model: string;
  backend: string;
  device: string;
  cold: Visit;
  cached: Visit;
  first: number;
  runs: number[];
  camera: { fps: number; ms: number; frames: number } | null;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

interface Mark {
  name: string;
  t: number;
  detail: Record<string, number | string>;
}

/**
 * Opens the page, clicks the coffee cup as soon as it shows (a user who knows what to try), and
 * splits the time to its first maps by the page's lens:* marks.
 */
async function visit(page: Page, url: string, model: string): Promise<Visit> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Coffee cup' }).click({ timeout: 600_000 });
  await page.waitForFunction(() => performance.getEntriesByName('lens:maps').length > 0, null, { timeout: 900_000, polling: 50 });
  const marks: Mark[] = await page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .filter((m) => m.name.startsWith('lens:'))
      .map((m) => ({ name: m.name.slice(5), t: m.startTime, detail: (m as PerformanceMark).detail as Record<string, number | string> })),
  );
  const first = (name: string) => {
    const m = marks.find((x) => x.name === name && (typeof x.detail.key !== 'string' || x.detail.key === model));
    if (!m) throw new Error(`the page set no lens:${name} mark for ${model}`);
    return m;
  };
  const maps = first('maps');
  const ready = first('ready');
  const inferStart = first('infer-start');
  // Only a warm-up that began before the photo's run delayed it (the worker runs one request at a time).
  const warm = marks.find((x) => x.name === 'warm-up-done' && x.detail.key === model);
  const warmStart = marks.find((x) => x.name === 'warm-up-start' && x.detail.key === model);
  return {
    maps: maps.t,
    start: first('backend-ready').t,
    bytes: Number(ready.detail.bytesMs),
    sha256: Number(ready.detail.sha256Ms),
    tensors: Number(ready.detail.tensorsMs),
    ready: ready.t,
    warmUp: warm && warmStart && warmStart.t < inferStart.t ? Number(warm.detail.ms) : 0,
    inference: Number(maps.detail.ms),
    cachedBytes: Number(ready.detail.cachedBytes),
    totalBytes: Number(ready.detail.bytes),
  };
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
    const url = `http://localhost:${PORT}/?backend=${backend}&model=${model}`;
    const cold = await visit(page, url, model);
    const ran = await page.getByTestId('backend').textContent();
    if (ran !== backend) return `${backend}: not available here (ran ${ran})`;
    const device = (await page.getByTestId('device').textContent()) ?? '';
    const cached = await visit(page, url, model);
    if (LOADS_ONLY) return { model, backend, device, cold, cached, first: NaN, runs: [], camera: null };
    const rerun = page.getByTestId('rerun');
    await page.waitForFunction(() => !document.querySelector('[data-testid=running]'), null, { timeout: 900_000 });
    const first = cached.inference;
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

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
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

const srv = await startPreview(PORT, OUT_DIR, 'set BENCH_PORT to another');
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
        `${model} ${backend}: first maps cold ${sec(r.cold.maps)}, cached ${sec(r.cached.maps)} (ready at ${sec(r.cached.ready)}), first run ${fmt(r.first)}, median ${fmt(quantile(r.runs, 0.5))}, camera ${r.camera?.fps ?? '-'} frames/s`,
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
console.log(`Weights: ${MODELS.map(weightsOf).join('; ')}${LOADS_ONLY ? '; visits only (--loads-only)' : ''}.\n`);
console.log(
  '| model | backend | visit | first maps | page and backend up | weights read, after that (sha256) | to tensors | ready | warm-up before the photo | inference | rest |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  for (const [name, v] of [
    ['cold', r.cold],
    ['cached', r.cached],
  ] as const) {
    // Messages, the photo's fetch and decode, React and the frame: what the named phases leave.
    const rest = v.maps - v.start - v.bytes - v.tensors - v.warmUp - v.inference;
    const where = v.cachedBytes >= v.totalBytes ? 'cache' : v.cachedBytes > 0 ? 'part cache' : 'network';
    console.log(
      `| ${r.model} | ${r.backend} | ${name} (${where}) | **${sec(v.maps)}** | ${sec(v.start)} | ${sec(v.bytes)} (${sec(v.sha256)}) | ${sec(v.tensors)} | ${sec(v.ready)} | ${sec(v.warmUp)} | ${sec(v.inference)} | ${sec(rest)} |`,
    );
  }
}
if (!LOADS_ONLY) {
  console.log('');
  console.log('| model | backend (device) | first run (cached visit) | median | p90 | runs | camera frames/s | camera ms a frame (frames) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.model} | ${r.backend} (${r.device}) | ${fmt(r.first)} | ${fmt(quantile(r.runs, 0.5))} | ${fmt(quantile(r.runs, 0.9))} | ${r.runs.length} | ${r.camera ? r.camera.fps.toFixed(1) : '-'} | ${r.camera ? `${fmt(r.camera.ms)} (${r.camera.frames})` : '-'} |`,
    );
  }
}
for (const s of skipped) console.log(`\n${s}`);
