// The CLI as a user meets it, for the tests: a real process, its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node's arguments that start the CLI from source (`npm run cli` without npm). */
export const CLI_NODE_ARGS: readonly string[] = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts')];

export function runCli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [...CLI_NODE_ARGS, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}
