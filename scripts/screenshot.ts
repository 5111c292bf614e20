// Makes docs/screenshot.jpg, the README's picture of the page: the production build (run
// `npm run build` first; `npm run screenshot` does both) served by `vite preview`, opened in the
// e2e tests' Chromium (e2e/browser.ts) at 1280x800 on wasm, the coffee sample analysed and its
// two top classes' maps shown. Run it again whenever the page's look changes.
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from '../e2e/browser';
import { startPreview } from '../e2e/preview-server';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PORT = Number(process.env.SCREENSHOT_PORT ?? 4396);
// JPEG: the photo and its heatmaps make a PNG of this viewport over 500 KB.
const OUT = join(REPO, 'docs/screenshot.jpg');
/** The README shows it inline: past this size the page it sits in loads slowly. */
const MAX_BYTES = 300_000;
const VIEWPORT = { width: 1280, height: 800 };

async function server(): Promise<ChildProcess> {
  if (!existsSync(join(REPO, 'dist/index.html'))) throw new Error('no production build in dist/: run `npm run build` first');
  return startPreview(PORT, 'dist', 'set SCREENSHOT_PORT to another');
}

const preview = await server();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(false) });
try {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  // wasm: the backend every machine has, so the picture does not depend on the GPU it was made on.
  await page.goto(`http://localhost:${PORT}/?backend=wasm&model=drn-a-50-imagenet`);
  await page.getByTestId('load-done').waitFor({ timeout: 600_000 });
  await page.getByRole('button', { name: /Coffee cup/ }).click();
  await page.getByTestId('class-name-0').waitFor({ timeout: 600_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=running]'), null, { timeout: 600_000 });
  // Two maps at once, so the picture shows the composite, contours and labels.
  const second = page.getByTestId('class-1');
  if (!(await second.isChecked())) await second.check();
  await page.waitForFunction(() => !document.querySelector('[data-testid=running]'), null, { timeout: 600_000 });
  await page.getByTestId('legend').waitFor();
  // Scrolled so that the photo with its maps and legend is whole, and the picture starts at the
  // model's load line (the samples below it) rather than halfway through a line.
  const scrollY = await page.evaluate(() => window.scrollY);
  const legend = (await page.getByTestId('legend').boundingBox())!;
  const loadLine = (await page.getByTestId('load-done').boundingBox())!;
  const y = Math.max(0, scrollY + legend.y + legend.height + 16 - VIEWPORT.height, scrollY + loadLine.y - 8);
  await page.evaluate((to) => window.scrollTo(0, to), y);
  await page.screenshot({ path: OUT, type: 'jpeg', quality: 80 });
  const bytes = statSync(OUT).size;
  console.log(`wrote ${OUT} (${(bytes / 1000).toFixed(0)} KB)`);
  if (bytes > MAX_BYTES) throw new Error(`${OUT} is ${bytes} bytes, over ${MAX_BYTES}: lower the JPEG quality`);
} finally {
  await browser.close();
  preview.kill();
}
