// `eval ... --json` in a child process, for the scripts that compare runs: each
// run gets a fresh process, as a user's would, and nothing of one run's state leaks into the next.
import { spawn } from 'node:child_process';
import type { EvalReport } from '../src/cli/eval';
import { CLI_NODE_ARGS } from '../src/cli/run-cli.testkit';

export function evalJson(args: readonly string[]): Promise<EvalReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, 'eval', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`eval ${args.join(' ')} exited with code ${code}:\n${err.slice(-2000)}`));
      resolve(JSON.parse(out) as EvalReport);
    });
  });
}
