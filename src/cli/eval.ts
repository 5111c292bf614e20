// `eval --data DIR`: localization metrics of a model on a box-annotated image set (the format
// of ../shared/data/imagenet-val-dev). One forward pass per image; the maps are kept and every
// threshold is swept over them afterwards.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { MaxBoxAccV2 } from '../localize/metrics';
import { setFigures, type RuleReport } from '../localize/eval-report';
import { UsageError, inputSize, number, oneOf, stepsArg } from './args';
import { readDevPhoto, readDevSet, readDevSetListing, type SetProblem } from './dev-set';
import type { EvalSample } from '../localize/metrics';
import { initBackend } from './backend-node';
import { loadHeads } from './heads';
import { resolveModel } from './models';
import { inferAll } from './eval-jobs';
import { DEFAULT_MODEL } from './models';
import { progressBar } from './progress';
import { faithfulnessOver, formatFaithfulness, type FaithfulnessReport } from './faithfulness-eval';

export { ruleGrid, ruleReport, type RuleReport } from '../localize/eval-report';

export const EVAL_USAGE =
  'eval --data DIR [--model ID|DIR] [--limit N] [--json] [--backend wasm|cpu] [--jobs N] [--size N] [--flip] [--faithfulness [--steps N]] [--head FILE.head.json [--absent]]';

export interface EvalReport {
  data: string;
  model: string;
  images: number;
  backend: string;
  /** Worker threads the images were spread over. */
  jobs: number;
  /** Network input side and whether maps were averaged over a horizontal flip. */
  inputSize: number;
  /** Class map cells at that input, e.g. "28x28". */
  mapSize: string;
  flip: boolean;
  loadSeconds: number;
  /** After the start-up (loadSeconds): the images' own time. */
  wallSeconds: number;
  secondsPerImage: number;
  /**
   * One image's own time inside its job (read, decode, network), the mean over the images. Against
   * one job's it says how much slower each image ran with N jobs at once; and
   * images x this / (jobs x wallSeconds) is how busy the jobs were kept.
   */
  jobSecondsPerImage: number;
  top1Cls: number;
  rules: RuleReport[];
  maxBoxAccV2: MaxBoxAccV2;
  /** With --faithfulness: deletion and insertion curves of the top-1 class maps. */
  faithfulness?: FaithfulnessReport;
  /**
   * With --head: the taught class every image is taken to show (its own class fields ignored), and
   * the share of images where it is present; with --absent the images are taken not to show it, and
   * this is the false-positive rate (the localization figures then mean nothing).
   */
  head?: { file: string; name: string; absent: boolean };
  detectionRate?: number;
  /** Entries and images left out, each with what is wrong (as the page's folder evaluation lists them). */
  problems: SetProblem[];
}

/** No image could be evaluated: there are no figures, only the problems. */
export class NothingEvaluated extends Error {
  override name = 'NothingEvaluated';
  constructor(readonly problems: SetProblem[]) {
    super(`nothing was evaluated: ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above), so there are no figures`);
  }
}

/** Each problem on its own line, for stderr. */
export function formatProblems(problems: readonly SetProblem[]): string {
  return problems.map((p) => `problem: ${p.path}: ${p.problem}`).join('\n');
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function formatReport(r: EvalReport): string {
  const taught = r.head
    ? [
        `taught class "${r.head.name}" (${r.head.file}): ${r.head.absent ? `present on ${pct(r.detectionRate!)} of these images, which show no such object (false positives)` : `detected on ${pct(r.detectionRate!)} of the images`}`,
        '',
      ]
    : [];
  const name = { cam: 'tau', drn: 't' } as const;
  const rows = r.rules.flatMap((rr) =>
    (['best', 'default'] as const).map((which) => {
      const x = rr[which];
      return `${rr.rule.padEnd(5)} ${`${name[rr.rule]} ${x.threshold} (${which})`.padEnd(20)} ${pct(x.top1Loc).padStart(9)} ${pct(x.gtKnownLoc).padStart(12)}`;
    }),
  );
  return [
    ...taught,
    `${r.model} on ${r.data}: ${r.images} images`,
    `backend ${r.backend}, ${r.jobs} job${r.jobs === 1 ? '' : 's'}, input ${r.inputSize}${r.flip ? ' + flip' : ''} (${r.mapSize} maps); ${r.wallSeconds.toFixed(1)} s wall, ${r.secondsPerImage.toFixed(2)} s/image, ${r.jobSecondsPerImage.toFixed(2)} s inside a job (start-up ${r.loadSeconds.toFixed(1)} s: backend and model load, slowest job)`,
    '',
    `Top-1 Cls ${pct(r.top1Cls)}`,
    '',
    `rule  threshold            Top-1 Loc  GT-known Loc`,
    ...rows,
    '(best = the threshold with the highest GT-known Loc on these images)',
    '',
    `MaxBoxAccV2 ${pct(r.maxBoxAccV2.value)} (GT-class maps, boxes of all components, best tau per IoU delta)`,
    `  ${r.maxBoxAccV2.perDelta.map((d) => `delta ${d.delta}: ${pct(d.boxAcc)} at tau ${d.tau}`).join('; ')}`,
    ...(r.faithfulness ? ['', formatFaithfulness(r.faithfulness)] : []),
  ].join('\n');
}

export interface EvalOptions {
  data: string;
  model: string;
  limit?: number;
  backend?: 'wasm' | 'cpu';
  /** Worker threads (default 1: this thread). */
  jobs?: number;
  size?: number;
  flip?: boolean;
  /** Deletion and insertion curves with this many steps (off when undefined). */
  faithfulnessSteps?: number;
}

/** What every eval report says of its run, and the figures of its samples. */
function reportOf(
  opts: EvalOptions,
  run: { model: string; backend: string; jobs: number; samples: EvalSample[]; imageSeconds: number[]; loadSeconds: number; wallSeconds: number },
) {
  const { samples, imageSeconds, wallSeconds } = run;
  return {
    data: opts.data,
    model: run.model,
    images: samples.length,
    backend: run.backend,
    jobs: run.jobs,
    inputSize: samples[0]?.transform.inputSize ?? opts.size ?? 0,
    mapSize: samples[0] ? `${samples[0].maps.width}x${samples[0].maps.height}` : '',
    flip: opts.flip ?? false,
    loadSeconds: run.loadSeconds,
    wallSeconds,
    secondsPerImage: wallSeconds / Math.max(1, samples.length),
    jobSecondsPerImage: imageSeconds.reduce((a, b) => a + b, 0) / Math.max(1, imageSeconds.length),
    ...setFigures(samples),
  };
}

/**
 * eval --head: every image through the model in this thread with the taught class's map; the
 * sample's class is the taught one, and its "top class" is it when present (so Top-1 Cls is the detection rate).
 */
async function evaluateHead(opts: EvalOptions & { head: string; absent: boolean }): Promise<EvalReport> {
  const images = await readDevSet(opts.data, opts.limit);
  const backend = await initBackend(opts.backend ?? 'wasm');
  const loadStart = performance.now();
  const model = await resolveModel(opts.model);
  try {
    const [head] = await loadHeads([opts.head], model);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const bar = progressBar(images.length, 'eval');
    const start = performance.now();
    const samples: EvalSample[] = [];
    const imageSeconds: number[] = [];
    let present = 0;
    try {
      for (const im of images) {
        const t0 = performance.now();
        // The image's own class is not the question here; only its decoding and size are checked.
        const photo = await readDevPhoto({ ...im, classIndex: 0 }, model.manifest.classes.length);
        const inf = await model.infer(photo, { topK: 1, extraClasses: [head.index], size: opts.size, flip: opts.flip });
        const verdict = inf.taught.find((t) => t.index === head.index)!;
        if (verdict.present) present++;
        samples.push({
          gtClass: head.index,
          gtBoxes: im.boxes,
          topClass: verdict.present ? head.index : -1,
          maps: inf.maps,
          transform: inf.transform,
        });
        imageSeconds.push((performance.now() - t0) / 1000);
        bar.tick();
      }
    } finally {
      bar.done();
    }
    const wallSeconds = (performance.now() - start) / 1000;
    return {
      ...reportOf(opts, { model: model.manifest.id, backend, jobs: 1, samples, imageSeconds, loadSeconds, wallSeconds }),
      head: { file: opts.head, name: head.head.name, absent: opts.absent },
      detectionRate: present / Math.max(1, samples.length),
      // A taught class's evaluation reads the set strictly (readDevSet stops at the first problem).
      problems: [],
    };
  } finally {
    model.dispose();
  }
}

export async function evaluate(opts: EvalOptions): Promise<EvalReport> {
  const { images, problems: setProblems } = await readDevSetListing(opts.data, opts.limit);
  if (!images.length) throw new NothingEvaluated(setProblems);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, images.length));
  const bar = progressBar(images.length, 'eval');
  const start = performance.now();
  let inferred;
  try {
    inferred = await inferAll(images, { model: opts.model, backend: opts.backend ?? 'wasm', size: opts.size, flip: opts.flip }, jobs, () =>
      bar.tick(),
    );
  } finally {
    bar.done();
  }
  const { samples, imageSeconds, backend, modelId, loadSeconds } = inferred;
  const problems = [...setProblems, ...inferred.problems];
  if (!samples.length) throw new NothingEvaluated(problems);
  // Start-up is not per-image work: the jobs start side by side, so take the time until the last was ready off.
  const wallSeconds = (performance.now() - start) / 1000 - loadSeconds;
  let faithfulness: FaithfulnessReport | undefined;
  if (opts.faithfulnessSteps !== undefined) {
    const fbar = progressBar(images.length, 'faithfulness');
    try {
      faithfulness = await faithfulnessOver(
        images,
        { model: opts.model, backend: opts.backend ?? 'wasm', size: opts.size, flip: opts.flip },
        opts.faithfulnessSteps,
        () => fbar.tick(),
      );
    } finally {
      fbar.done();
    }
  }
  return {
    ...reportOf(opts, { model: modelId, backend, jobs, samples, imageSeconds, loadSeconds, wallSeconds }),
    ...(faithfulness ? { faithfulness } : {}),
    problems,
  };
}

/** --steps of the faithfulness curves: a whole number, 2-256 (default 16). */
export async function evalCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      jobs: { type: 'string', default: String(availableParallelism()) },
      size: { type: 'string' },
      flip: { type: 'boolean', default: false },
      faithfulness: { type: 'boolean', default: false },
      steps: { type: 'string' },
      head: { type: 'string' },
      absent: { type: 'boolean', default: false },
    },
  });
  if (!values.data) throw new UsageError(`usage: ${EVAL_USAGE}`);
  const limit = values.limit === undefined ? undefined : number('--limit', values.limit, 1);
  if (limit !== undefined && !Number.isInteger(limit)) throw new UsageError(`--limit must be a whole number, got ${values.limit}`);
  const backend = oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']);
  const jobs = number('--jobs', values.jobs, 1, 64);
  if (!Number.isInteger(jobs)) throw new UsageError(`--jobs must be a whole number, got ${values.jobs}`);
  const size = inputSize(values.size);
  const faithfulnessSteps = values.faithfulness ? stepsArg(values.steps) : undefined;
  if (!values.faithfulness && values.steps !== undefined) throw new UsageError('--steps goes with --faithfulness');
  if (values.absent && !values.head) throw new UsageError('--absent goes with --head');
  if (values.head && faithfulnessSteps !== undefined) throw new UsageError('--faithfulness does not go with --head');
  const common = { data: values.data, model: values.model, limit, backend, jobs, size, flip: values.flip };
  let report: EvalReport;
  try {
    report = values.head
      ? await evaluateHead({ ...common, head: values.head, absent: values.absent })
      : await evaluate({ ...common, faithfulnessSteps });
  } catch (e) {
    if (e instanceof NothingEvaluated) console.error(formatProblems(e.problems));
    throw e;
  }
  // Every image left out is listed, as the page lists it; the figures are those of the others.
  if (report.problems.length) console.error(formatProblems(report.problems));
  console.log(values.json ? JSON.stringify(report, null, 1) : formatReport(report));
}
