// Do finer maps localize better? `eval` at each input size, with and without the flip average,
// for each model, on the same images; prints the README's table, one row per run, as each ends.
//
//   npx tsx scripts/size-grid.ts [--data DIR] [--limit N] [--jobs N] [--models A,B] [--sizes 224,320,448]
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { EvalReport } from '../src/cli/eval';
import { DEV_SET } from '../src/cli/paths';
import { evalJson } from './eval-json';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEV_SET },
    limit: { type: 'string' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    models: { type: 'string', default: 'resnet-50-imagenet,drn-a-50-imagenet' },
    sizes: { type: 'string', default: '224,320,448' },
  },
});

function evalRun(model: string, size: string, flip: boolean): Promise<EvalReport> {
  const args = ['--data', values.data, '--model', model, '--size', size, '--jobs', values.jobs];
  if (values.limit) args.push('--limit', values.limit);
  if (flip) args.push('--flip');
  return evalJson(args);
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const rule = (r: EvalReport, name: 'cam' | 'drn') => {
  const x = r.rules.find((rr) => rr.rule === name)!.default;
  return `${pct(x.gtKnownLoc)} / ${pct(x.top1Loc)}`;
};

console.log(`${cpus()[0]?.model ?? 'unknown CPU'} x${availableParallelism()}, Node ${process.version}; ${values.data}, ${values.jobs} jobs`);
console.log(
  '| model | input | maps | images | Top-1 Cls | cam, default tau: GT-known / Top-1 Loc | drn, default t: GT-known / Top-1 Loc | MaxBoxAccV2 (IoU 0.3 / 0.5 / 0.7) | s/image |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const model of values.models.split(',')) {
  for (const size of values.sizes.split(',')) {
    for (const flip of [false, true]) {
      const r = await evalRun(model, size, flip);
      const box = r.maxBoxAccV2;
      const deltas = box.perDelta.map((d) => (100 * d.boxAcc).toFixed(1)).join(' / ');
      console.log(
        `| ${r.model} | ${r.inputSize}${flip ? ' + flip' : ''} | ${r.mapSize} | ${r.images} | ${pct(r.top1Cls)} | ${rule(r, 'cam')} | ${rule(r, 'drn')} | ${pct(box.value)} (${deltas}) | ${r.secondsPerImage.toFixed(2)} |`,
      );
    }
  }
}
