// `npm run bench`: the first minute and the inference times of the built app in headless Chromium,
// per model and backend (BENCH_BACKENDS, default wasm; BENCH_MODELS, default both).
// First maps: a cold visit (fresh browser profile) and a cached one (the same profile, navigated to
// again: Cache Storage holds the weights), each clicking the coffee cup sample as soon as it shows;
// the time from navigation to its first maps, split by the page's own marks (src/app/timeline.ts).
// Inference = the page's "last inference" (photo pixels -> class maps, in the worker) over repeated
// runs. Camera = webcam mode on Chromium's fake camera (a sample photo as video): frames per second
// and ms a frame as the page shows them once it has analysed a backend's number of frames.
// Teach (issue 18): on the analysed photo, a class taught from views of the camera's photo and of
// others (BENCH_TEACH_EXAMPLES, half of each), trained again BENCH_RETRAINS times; from the trained
// head on the page (lens:head-ready) to its map drawn on the photo (lens:taught-maps), split into
// the worker's calls, the page's render and drawing, and the wait for the frame; then the camera
// with that class drawn live and without it (deleted), in the order with, without, without, with,
// so that the two frame rates are compared under the same drift of a shared machine's speed.
// Not a test: it prints Markdown tables. `--loads-only` measures just the two visits (no runs, no
// camera, no teaching). BENCH_OUT_DIR serves another build folder than dist (to compare two builds).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { BUILTIN_MODELS } from '../src/models/registry';
import { CHROMIUM, chromiumArgs } from './browser';
import { fakeCameraArgs, fakeCameraFile } from './fake-camera';
import { startPreview } from './preview-server';
import { benchExamples } from './teach-examples';

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
/** Examples a class is taught from per backend, half of the camera's photo and half "not this" (0: no teaching). */
const TEACH_EXAMPLES: Record<string, number> = {
  wasm: 50,
  webgl: 6,
  webgpu: 6,
  cpu: 6,
  ...JSON.parse(process.env.BENCH_TEACH_EXAMPLES ?? '{}'),
};
/** Trainings after the first on the same examples: each replaces the class's maps on the photo. */
const RETRAINS: Record<string, number> = { wasm: 10, webgl: 3, webgpu: 3, cpu: 3, ...JSON.parse(process.env.BENCH_RETRAINS ?? '{}') };
const CAMERA = fakeCameraFile('coffee.jpg');
/** The first taught class's index: both models have the 1000 ImageNet classes. */
const TAUGHT = 1000;

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

interface CameraStats {
  fps: number;
  ms: number;
  frames: number;
}

/** Camera runs of one kind as one: their mean frames/s and ms a frame (frames: of each run). */
interface CameraRuns extends CameraStats {
  runs: number;
  /** The taught class was drawn on the last frame of every run. */
  drawn: boolean;
}

const cameraRuns = (rs: (CameraStats & { drawn: boolean })[]): CameraRuns => ({
  fps: rs.reduce((n, r) => n + r.fps, 0) / rs.length,
  ms: rs.reduce((n, r) => n + r.ms, 0) / rs.length,
  frames: rs[0].frames,
  runs: rs.length,
  drawn: rs.every((r) => r.drawn),
});

/** One training in the page, by its marks (ms). */
interface Training {
  /** The worker's solver, as the panel says it. */
  solver: number;
  /** Train pressed (every example read) to the head on the page: the training set, the background's features, the worker's call. */
  train: number;
  /** The head on the page to its map drawn on the photo, and that split. */
  appear: number;
  /** The worker's setHeads and maps calls (sent together), to the maps' answer. */
  worker: number;
  /** From that answer: the state, React's render and the viewer's drawing. */
  render: number;
  /** The rest: the wait for the frame. */
  frame: number;
}

interface Taught {
  positives: number;
  negatives: number;
  /** The examples given to their features in, one forward pass each (the bench's clock, ms). */
  examplesMs: number;
  trainings: Training[];
  /**
   * For comparison, an ImageNet class switched on in the class list (its maps are already in the
   * page: no worker): the click to the frame after it is drawn, and to React's render and the
   * viewer's drawing done, as `appear` and `render` of a training are.
   */
  imagenetOn: { appear: number; render: number }[];
  /** The camera with the taught class asked for on every frame. */
  camera: CameraRuns | null;
}

interface Row {
  model: string;
  backend: string;
  device: string;
  cold: Visit;
  cached: Visit;
  first: number;
  runs: number[];
  camera: CameraRuns | null;
  taught: Taught | null;
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
async function camera(page: Page, frames: number): Promise<CameraStats & { drawn: boolean }> {
  await page.getByTestId('camera-start').click();
  const stats = page.getByTestId('camera-stats');
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=camera-stats]')?.textContent?.match(/(\d+) frames$/)?.[1] ?? 0) >= n,
    frames,
    { timeout: 1_800_000 },
  );
  const m = (await stats.textContent())!.match(/^([\d.]+) frames\/s · (\d+) ms a frame · (\d+) frames$/)!;
  // A shown class's map is drawn; a taught class is shown on a frame where it is present.
  const drawn = await page.evaluate(
    (i) => (document.querySelector(`[data-testid=class-added-${i}]`) as HTMLInputElement | null)?.checked ?? false,
    TAUGHT,
  );
  await page.getByTestId('camera-stop').click();
  return { fps: Number(m[1]), ms: Number(m[2]), frames: Number(m[3]), drawn };
}

const marksNamed = (page: Page, name: string): Promise<Mark[]> =>
  page.evaluate(
    (n) =>
      performance
        .getEntriesByName(`lens:${n}`, 'mark')
        .map((m) => ({ name: n, t: m.startTime, detail: (m as PerformanceMark).detail as Record<string, number | string> })),
    name,
  );

/** Train pressed on the examples in the panel, until the class's maps are drawn on the photo. */
async function train(page: Page): Promise<Training> {
  const before = (await marksNamed(page, 'taught-maps')).length;
  await page.getByTestId('teach-train').click();
  await page.waitForFunction((n) => performance.getEntriesByName('lens:taught-maps').length > n, before, { timeout: 600_000, polling: 50 });
  const [start, ready, maps] = await Promise.all(['train-start', 'head-ready', 'taught-maps'].map(async (n) => (await marksNamed(page, n)).at(-1)!));
  const solver = Number((await page.getByTestId('teach-progress').textContent())?.match(/, in (\d+) ms \(/)?.[1]);
  if (!(await page.getByTestId(`class-added-${TAUGHT}`).isChecked())) throw new Error('the taught class is not shown on the photo after training');
  const appear = maps.t - ready.t;
  const [worker, render] = [maps.detail.workerMs, maps.detail.renderMs].map(Number);
  return { solver, train: ready.t - start.t, appear, worker, render, frame: appear - worker - render };
}

/**
 * On the analysed photo: a class taught from `examples` photos, trained 1 + `retrains` times (each
 * training replaces its maps on the photo), timed by the page's marks.
 */
async function teachInPage(page: Page, examples: number, retrains: number): Promise<Taught> {
  const positives = Math.ceil(examples / 2),
    negatives = examples - positives;
  const files = await benchExamples(positives, negatives);
  await page.getByTestId('teach-name').fill('my mug');
  const t0 = Date.now();
  await page.getByTestId('teach-examples').setInputFiles(files.positives);
  if (negatives) await page.getByTestId('teach-negatives').setInputFiles(files.negatives);
  await page
    .getByTestId('teach-counts')
    .filter({ hasText: new RegExp(`^${positives} photos? of it · ${negatives} not this$`) })
    .waitFor({ timeout: 1_800_000 });
  const examplesMs = Date.now() - t0;
  const trainings: Training[] = [];
  for (let i = 0; i <= retrains; i++) trainings.push(await train(page));
  return { positives, negatives, examplesMs, trainings, imagenetOn: await switchOn(page, retrains), camera: null };
}

/** The second top class switched on `n` times (and off between), timed in the page. */
function switchOn(page: Page, n: number): Promise<Taught['imagenetOn']> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(async (n) => {
    const box = document.querySelector<HTMLInputElement>('[data-testid=class-1]')!;
    const out: { appear: number; render: number }[] = [];
    for (let i = 0; i <= n; i++) {
      if (box.checked) box.click();
      await new Promise((r) => requestAnimationFrame(r));
      if (i === n) break;
      const t0 = performance.now();
      box.click();
      // React renders the store's change in a microtask queued during the click, before this one.
      await null;
      const render = performance.now() - t0;
      await new Promise((r) => requestAnimationFrame(r));
      out.push({ appear: performance.now() - t0, render });
    }
    return out;
  }, n);
}

/** Deletes the taught class (the photo runs again without it). */
async function forget(page: Page): Promise<void> {
  await page.getByTestId('taught-delete-0').click();
  await page.getByTestId('taught-list').waitFor({ state: 'detached', timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=running]'), null, { timeout: 900_000 });
}

async function bench(model: string, backend: string): Promise<Row | string> {
  const profile = mkdtempSync(join(tmpdir(), 'drn-lens-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...chromiumArgs(true), ...fakeCameraArgs(CAMERA)],
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
    if (LOADS_ONLY) return { model, backend, device, cold, cached, first: NaN, runs: [], camera: null, taught: null };
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
    const frames = FRAMES[backend];
    const taught = TEACH_EXAMPLES[backend] ? await teachInPage(page, TEACH_EXAMPLES[backend], RETRAINS[backend]) : null;
    if (!taught) return { model, backend, device, cold, cached, first, runs, camera: cameraRuns([await camera(page, frames)]), taught };
    // With the taught class, without (deleted), without, with (taught again from the panel's
    // examples: no forward pass): a drift of the shared machine's speed falls on both alike.
    const withIt = [await camera(page, frames)];
    await forget(page);
    const plain = [await camera(page, frames), await camera(page, frames)];
    await train(page);
    withIt.push(await camera(page, frames));
    return { model, backend, device, cold, cached, first, runs, camera: cameraRuns(plain), taught: { ...taught, camera: cameraRuns(withIt) } };
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** To a tenth: the taught class's figures are a few ms. */
const ms1 = (ms: number) => (Number.isNaN(ms) ? '-' : `${ms.toFixed(1)} ms`);
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

const appears = (t: Taught) => t.trainings.map((x) => x.appear);

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
        `${model} ${backend}: first maps cold ${sec(r.cold.maps)}, cached ${sec(r.cached.maps)} (ready at ${sec(r.cached.ready)}), first run ${fmt(r.first)}, median ${fmt(quantile(r.runs, 0.5))}, camera ${r.camera?.fps.toFixed(2) ?? '-'} frames/s` +
          (r.taught
            ? `, taught class drawn ${ms1(quantile(appears(r.taught), 0.5))} after its head (median), camera with it ${r.taught.camera?.fps.toFixed(2) ?? '-'} frames/s`
            : ''),
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
      `| ${r.model} | ${r.backend} (${r.device}) | ${fmt(r.first)} | ${fmt(quantile(r.runs, 0.5))} | ${fmt(quantile(r.runs, 0.9))} | ${r.runs.length} | ${r.camera ? r.camera.fps.toFixed(1) : '-'} | ${r.camera ? `${fmt(r.camera.ms)} (${r.camera.runs > 1 ? `${r.camera.runs} × ` : ''}${r.camera.frames})` : '-'} |`,
    );
  }
}
const taughtRows = rows.filter((r): r is Row & { taught: Taught } => r.taught !== null);
if (taughtRows.length) {
  // The first training also fetches the background's features and shows the class: apart.
  const later = (t: Taught) => (t.trainings.length > 1 ? t.trainings.slice(1) : t.trainings);
  const values = (t: Taught, k: keyof Training) => later(t).map((x) => x[k]);
  const at = (t: Taught, k: keyof Training, q: number, f = ms1) => f(quantile(values(t, k), q));
  console.log('');
  console.log(
    '| model | backend | examples: of it + not this (read, one pass each) | solver in the worker: first · median | Train to the head on the page: first · median | head to its map drawn: first | median | p90 | median split: worker · render and draw · frame | trainings | an ImageNet class switched on: to drawn · render and draw (medians) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { model, backend, taught: t } of taughtRows) {
    const first = t.trainings[0];
    const split = (['worker', 'render', 'frame'] as const).map((k) => at(t, k, 0.5)).join(' · ');
    console.log(
      `| ${model} | ${backend} | ${t.positives} + ${t.negatives} (${sec(t.examplesMs)}) | ${fmt(first.solver)} · ${at(t, 'solver', 0.5, fmt)} | ${fmt(first.train)} · ${at(t, 'train', 0.5, fmt)} | ${ms1(first.appear)} | **${at(t, 'appear', 0.5)}** | ${at(t, 'appear', 0.9)} | ${split} | ${t.trainings.length} | ${ms1(
        quantile(
          t.imagenetOn.map((x) => x.appear),
          0.5,
        ),
      )} · ${ms1(
        quantile(
          t.imagenetOn.map((x) => x.render),
          0.5,
        ),
      )} (${t.imagenetOn.length}) |`,
    );
  }
  console.log('');
  console.log(
    '| model | backend | camera frames/s: ImageNet class | with the taught class | ms a frame: ImageNet class (runs × frames) | with the taught class (runs × frames) | taught class drawn on the last frame |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { model, backend, camera: plain, taught: t } of taughtRows) {
    const c = t.camera;
    const frame = (x: CameraRuns | null) => (x ? `${fmt(x.ms)} (${x.runs} × ${x.frames})` : '-');
    console.log(
      `| ${model} | ${backend} | ${plain?.fps.toFixed(1) ?? '-'} | ${c?.fps.toFixed(1) ?? '-'} | ${frame(plain)} | ${frame(c)} | ${c ? (c.drawn ? 'yes' : 'no') : '-'} |`,
    );
  }
}
for (const s of skipped) console.log(`\n${s}`);
