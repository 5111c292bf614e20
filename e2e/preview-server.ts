// The production build served as a static host would (vite preview, with the COOP/COEP headers),
// for the page benchmark and the README's screenshot.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Starts `vite preview` of `outDir` on `port` and resolves once it answers; `hint` says what to change when it does not. */
export async function startPreview(port: number, outDir = 'dist', hint = ''): Promise<ChildProcess> {
  // Node itself runs vite (not npx), so that kill() at the end stops the server rather than a wrapper.
  const p = spawn(
    process.execPath,
    [join(REPO, 'node_modules/vite/bin/vite.js'), 'preview', '--port', String(port), '--strictPort', '--outDir', outDir],
    {
      cwd: REPO,
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://localhost:${port}/`)).ok) return p;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  p.kill();
  throw new Error(`vite preview did not start on port ${port}${hint ? ` (${hint})` : ''}`);
}
