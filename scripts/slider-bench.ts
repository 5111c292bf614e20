// What a threshold step costs in the built page with many classes and boxes: the time from the
// slider's input event to the second animation frame after it (the frame that shows the step),
// with 100 classes shown (a link's limit), then with 10,000 ground-truth boxes loaded as well.
// Prints figures; after `npm run build`:
//   npx tsx scripts/slider-bench.ts [--steps 15]
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from '../e2e/browser';
import { manyBoxes } from '../e2e/helpers';
import { startPreview } from '../e2e/preview-server';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '15' } } });
const STEPS = Number(values.steps);
const PORT = Number(process.env.SLIDER_PORT ?? 4355);

/** One step of the slider, up or down, timed inside the page. */
function step(page: Page, up: boolean): Promise<number> {
  return page.evaluate(
    (up) =>
      new Promise<number>((resolve) => {
        const el = document.querySelector<HTMLInputElement>('[data-testid=threshold]')!;
        const t0 = performance.now();
        if (up) el.stepUp();
        else el.stepDown();
        el.dispatchEvent(new Event('input', { bubbles: true }));
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }),
    up,
  );
}

async function steps(page: Page, label: string): Promise<void> {
  await step(page, true);
  await page.waitForTimeout(1000);
  const ms: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    ms.push(await step(page, i % 4 < 2));
    await page.waitForTimeout(200);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(0);
  console.log(`${label}: a threshold step to its frame, median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms (${STEPS} steps)`);
}

const server = await startPreview(PORT, 'dist', 'set SLIDER_PORT to another');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(false) });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const classes = Array.from({ length: 100 }, (_, i) => i * 10).join(',');
  await page.goto(`http://localhost:${PORT}/?backend=wasm#v=1&photo=coffee.jpg&classes=${classes}`);
  await page.getByTestId('class-name-0').waitFor({ timeout: 300_000 });
  await page.getByTestId('running').waitFor({ state: 'detached', timeout: 300_000 });
  await steps(page, '100 classes shown');
  const boxes = manyBoxes(10_000, 500, 350);
  await page
    .getByTestId('gt-file')
    .setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ boxes })) });
  await page.getByTestId('gt-panel').filter({ hasText: '10000 boxes' }).waitFor({ timeout: 60_000 });
  await steps(page, '100 classes shown and 10,000 ground-truth boxes');
  const version = browser.version();
  console.log(`headless Chromium ${version}, wasm, 1280x900 viewport, coffee.jpg; ${new Date().toISOString()}`);
} finally {
  await browser.close();
  server.kill();
}
