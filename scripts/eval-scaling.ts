// How far `eval --jobs N` is from what the machine allows. A speed-up below N can be eval's fault
// (start-up, feeding, the main thread) or the cores' (they share caches and memory bandwidth, and a
// virtual machine's cores may share more). So this times the same images three ways: one job;
// `--jobs N`; and N separate one-job `eval` processes at once, which share nothing but the machine
// and so give the ceiling for this work (a little flattered: the slower of them runs alone for its
// last seconds).
//
// Each way's loss splits in two, from eval's own report: the jobs slowing each other down (an
// image's own time inside its job, against one job's) and the jobs left idle (the images' own
// times against the jobs' wall time: start-up excluded, so this is the feeding and the wait for
// the last image).
//
// The three are interleaved, `--rounds` times, as a shared machine's speed drifts; the table gives
// the median of each and the range.
//
//   npx tsx scripts/eval-scaling.ts [--data DIR] [--model ID] [--limit N] [--jobs N] [--rounds N]
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { EvalReport } from '../src/cli/eval';
import { DEV_SET } from '../src/cli/paths';
import { evalJson } from './eval-json';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEV_SET },
    model: { type: 'string', default: 'drn-a-50-imagenet' },
    limit: { type: 'string', default: '40' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '3' },
  },
});
const jobs = Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 2) throw new Error(`--jobs must be a whole number from 2, got ${values.jobs}`);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1, got ${values.rounds}`);

/** Seconds after the start-up (eval's report takes it off), and the start-up. */
type Timing = Pick<EvalReport, 'wallSeconds' | 'loadSeconds' | 'jobSecondsPerImage' | 'images' | 'jobs'>;

const evalRun = (jobCount: number): Promise<Timing> =>
  evalJson(['--data', values.data, '--model', values.model, '--limit', values.limit, '--jobs', String(jobCount)]);

const images = Number(values.limit);
const perImage = (t: Timing) => t.wallSeconds / images;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const sum = (ts: readonly Timing[], f: (t: Timing) => number) => ts.reduce((a, t) => a + f(t), 0);
/** The images' own time inside their jobs, all runs of a way together. */
const ownSeconds = (ts: readonly Timing[]) => sum(ts, (t) => t.images * t.jobSecondsPerImage);
/** How busy the jobs were kept: their images' own time over their wall time. */
const busy = (ts: readonly Timing[]) => ownSeconds(ts) / sum(ts, (t) => t.jobs * t.wallSeconds);
const inJob = (ts: readonly Timing[]) => ownSeconds(ts) / sum(ts, (t) => t.images);

const ways = { one: [] as number[], many: [] as number[], apart: [] as number[] };
const startUp = { one: [] as number[], many: [] as number[], apart: [] as number[] };
const inside = { one: [] as number[], many: [] as number[], apart: [] as number[] };
const busyness = { one: [] as number[], many: [] as number[], apart: [] as number[] };
for (let r = 0; r < rounds; r++) {
  const one = await evalRun(1);
  const many = await evalRun(jobs);
  const apart = await Promise.all(Array.from({ length: jobs }, () => evalRun(1)));
  ways.one.push(perImage(one));
  ways.many.push(perImage(many));
  // N processes did N times the images: N images per the slowest one's time per image.
  ways.apart.push(Math.max(...apart.map(perImage)) / jobs);
  startUp.one.push(one.loadSeconds);
  startUp.many.push(many.loadSeconds);
  startUp.apart.push(Math.max(...apart.map((t) => t.loadSeconds)));
  for (const [way, ts] of [
    ['one', [one]],
    ['many', [many]],
    ['apart', apart],
  ] as const) {
    inside[way].push(inJob(ts));
    busyness[way].push(busy(ts));
  }
  console.error(`round ${r + 1}/${rounds}: s/image ${[ways.one, ways.many, ways.apart].map((w) => w[r].toFixed(2)).join(', ')}`);
}

const s = (xs: number[]) => `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
const speedUps = (xs: number[]) => xs.map((x, r) => ways.one[r] / x);
const x = (xs: number[]) => `${median(speedUps(xs)).toFixed(2)}x (${Math.min(...speedUps(xs)).toFixed(2)}-${Math.max(...speedUps(xs)).toFixed(2)})`;
console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'} x${availableParallelism()}; ${values.model}, ${images} images, wasm; median (range) of ${rounds} rounds`,
);
const pcts = (xs: number[]) => `${(100 * median(xs)).toFixed(0)}% (${(100 * Math.min(...xs)).toFixed(0)}-${(100 * Math.max(...xs)).toFixed(0)}%)`;
console.log(`| way | start-up | per image after start-up | speed-up over one job, same round | one image inside its job | jobs busy |`);
console.log(`|---|---|---|---|---|---|`);
console.log(`| one job | ${s(startUp.one)} | ${s(ways.one)} | 1 | ${s(inside.one)} | ${pcts(busyness.one)} |`);
console.log(`| \`--jobs ${jobs}\` | ${s(startUp.many)} | ${s(ways.many)} | ${x(ways.many)} | ${s(inside.many)} | ${pcts(busyness.many)} |`);
console.log(
  `| ${jobs} one-job processes at once (the ceiling) | ${s(startUp.apart)} | ${s(ways.apart)} for all | ${x(ways.apart)} | ${s(inside.apart)} | ${pcts(busyness.apart)} |`,
);
