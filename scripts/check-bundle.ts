// Run by `npm run build` after `vite build`: the page's entry chunk must stay small. tfjs lives in
// the workers (lens-worker, import-worker); one stray import of it, or of a tfjs-using module,
// into the page would pull megabytes into the first load, and this check fails the build.
import { readFileSync, statSync } from 'node:fs';

/** Bytes (minified, before compression); 0.322 MB when the limit was set (the lens worker, with tfjs, is 2.4 MB). */
export const MAIN_CHUNK_LIMIT = 400_000;

const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');
const entries = [...html.matchAll(/<script type="module"[^>]*\ssrc="\/?([^"]+\.js)"/g)].map((m) => m[1]);
if (entries.length !== 1) {
  console.error(`check-bundle: expected one module script in dist/index.html, found ${entries.length}`);
  process.exit(1);
}
const bytes = statSync(new URL(entries[0], dist)).size;
const line = `page entry chunk ${entries[0]}: ${(bytes / 1e6).toFixed(3)} MB (limit ${(MAIN_CHUNK_LIMIT / 1e6).toFixed(2)} MB)`;
if (bytes > MAIN_CHUNK_LIMIT) {
  console.error(`check-bundle: ${line}; did tfjs (or a module that imports it) reach the page? Import it from a worker instead.`);
  process.exit(1);
}
console.log(`check-bundle: ${line}`);
