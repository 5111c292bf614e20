// What the wasm warm-up costs and saves, in CPU time (Node runs wasm on one thread, so its CPU
// time is the work done, and moves far less than wall time when other processes share the cores).
// Three ways, each in a fresh process (XNNPACK's operators live as long as the wasm instance),
// interleaved `--rounds` times: `small` (LensModel.warmUp: a run on a 64x64 blank input),
// `photo-size` (warmUp with photoSize: a run on a grey photo-sized input, as before), and `none`.
// Each then runs the coffee cup twice. The warm-up has done its work when the first photo costs
// what the second does.
//
//   npx tsx scripts/warm-up-cpu.ts [--model ID] [--rounds N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const WAYS = ['small', 'photo-size', 'none'] as const;
type Way = (typeof WAYS)[number];
interface Costs {
  warmUp: number;
  first: number;
  second: number;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'drn-a-50-imagenet' },
    rounds: { type: 'string', default: '3' },
    way: { type: 'string' },
  },
});

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function one(way: Way): Promise<Costs> {
  const { initBackend } = await import('../src/cli/backend-node');
  const { resolveModel } = await import('../src/cli/models');
  const { decodeImage } = await import('../src/image/decode-node');
  await initBackend('wasm');
  const photo = decodeImage(new Uint8Array(readFileSync(new URL('../public/samples/coffee.jpg', import.meta.url))), 'coffee.jpg');
  const model = await resolveModel(values.model);
  const timed = async (f: () => Promise<unknown>) => {
    const c = cpuMs();
    await f();
    return cpuMs() - c;
  };
  const warmUp = way === 'none' ? 0 : await timed(() => model.warmUp(undefined, { photoSize: way === 'photo-size' }));
  const first = await timed(() => model.infer(photo, {}));
  const second = await timed(() => model.infer(photo, {}));
  return { warmUp, first, second };
}

if (values.way) {
  console.log(JSON.stringify(await one(values.way as Way)));
} else {
  const script = fileURLToPath(import.meta.url);
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const results = new Map<Way, Costs[]>(WAYS.map((w) => [w, []]));
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const way of WAYS) {
      const out = execFileSync(process.execPath, [tsx, script, '--way', way, '--model', values.model], { encoding: 'utf8' });
      const costs = JSON.parse(out.trim().split('\n').pop()!) as Costs;
      results.get(way)!.push(costs);
      process.stderr.write(`round ${r + 1} ${way}: ${JSON.stringify(costs, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}\n`);
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
  };
  const ms = (xs: number[]) => `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`;
  console.log(`${values.model} on wasm in Node (one thread), CPU ms, median (range) of ${values.rounds} interleaved rounds:\n`);
  console.log('| way | warm-up | first photo | second photo | warm-up + first photo |');
  console.log('|---|---|---|---|---|');
  for (const [way, cs] of results) {
    console.log(
      `| ${way} | ${ms(cs.map((c) => c.warmUp))} | ${ms(cs.map((c) => c.first))} | ${ms(cs.map((c) => c.second))} | ${ms(cs.map((c) => c.warmUp + c.first))} |`,
    );
  }
}
