// `npm run lint`: installs this folder's pinned ESLint once (and again when its lockfile changes),
// then lints the repository with eslint.config.js. Arguments go to ESLint.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importCycles } from './import-cycles.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const installed = new URL('node_modules/.package-lock.json', import.meta.url);
const lock = new URL('package-lock.json', import.meta.url);
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('lint: npm ci --prefix tools/lint ...');
  // On Windows npm is npm.cmd, which Node only starts through a shell.
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--silent'], { cwd: here, stdio: 'inherit', shell: process.platform === 'win32' });
}
const eslint = fileURLToPath(new URL('node_modules/eslint/bin/eslint.js', import.meta.url));
const r = spawnSync(process.execPath, [eslint, ...(process.argv.length > 2 ? process.argv.slice(2) : ['.'])], { cwd: root, stdio: 'inherit' });
const cycles = importCycles(fileURLToPath(new URL('../../src', import.meta.url)));
for (const c of cycles) console.error(`import cycle: ${c.join(' <-> ')}`);
process.exit(r.status || (cycles.length ? 1 : 0));
