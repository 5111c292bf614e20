// WebGPU forced on this machine's software adapter (SwiftShader): slow, so one photo, a replay of
// the run the warm-up captured, whose maps are then checked against wasm's after the device is
// lost and the page falls back.
import { expect, test } from '@playwright/test';
import { classHeadFile } from './class-head';
import { downloadJson, dropFile, meanChange, sampleBytes, topClasses, viewerPixels, waitForResult } from './helpers';

const ESPRESSO = 967;
/** The first taught class follows ImageNet's 1000. */
const TAUGHT = 1000;

test('forced WebGPU: the top class, maps that agree with wasm, and a lost device falls back', async ({ page }) => {
  // Software WebGPU here: shader compilation plus one DRN-A-50 pass take minutes.
  test.setTimeout(600_000);
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('backend')).toHaveText('webgpu', { timeout: 120_000 });
  await expect(page.getByTestId('device')).toContainText(/swiftshader/i);
  await expect(page.getByTestId('load-done')).toBeVisible({ timeout: 120_000 });
  await dropFile(page, 'coffee.jpg', sampleBytes('coffee.jpg'), 'image/jpeg');
  await waitForResult(page, 'coffee.jpg', 480_000);
  expect((await topClasses(page))[0]).toBe('espresso');
  // The warm-up captured this kind of run: the photo was a replay (src/models/webgpu-replay.ts).
  await expect(page.getByTestId('last-ms')).toContainText('(replayed)');
  await page.getByTestId('raw-grid').check();
  expect((await downloadJson(page)).backend).toBe('webgpu');

  // A taught class on WebGPU, imported (teaching would take minutes here): espresso's own column as
  // a head, so its map, planed from the kept features without a new run, is espresso's.
  const head = await classHeadFile('drn-a-50-imagenet', ESPRESSO, 'espresso again');
  await page.getByTestId('teach-import').setInputFiles({ name: 'espresso.head.json', mimeType: 'application/json', buffer: Buffer.from(head) });
  await expect(page.getByTestId('taught-list')).toContainText('espresso again');
  await expect(page.getByTestId(`taught-verdict-${TAUGHT}`)).toContainText('present', { timeout: 120_000 });
  await expect(page.getByTestId(`class-added-${TAUGHT}`)).toBeChecked();
  const gpuJson = await downloadJson(page);
  const gpuPixels = await viewerPixels(page);
  const byIndex = (json: typeof gpuJson, i: number) => json.classes.find((c) => c.index === i)!;
  byIndex(gpuJson, TAUGHT).box!.forEach((v, k) => expect(Math.abs(v - byIndex(gpuJson, ESPRESSO).box![k])).toBeLessThanOrEqual(1));

  // The device goes away (as in a driver reset): the page says so, moves to wasm and reruns.
  const lastMs = await page.getByTestId('last-ms').textContent();
  expect(await page.evaluate(() => window.drnLensLoseDevice!())).toBe(true);
  await expect(page.getByTestId('notice-error').last()).toContainText('The WebGPU device was lost');
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('last-ms')).not.toHaveText(lastMs!, { timeout: 120_000 });
  await waitForResult(page, 'coffee.jpg');
  const cpuJson = await downloadJson(page);
  expect(cpuJson.backend).toBe('wasm');

  expect(cpuJson.classes.map((c) => c.name)).toEqual(gpuJson.classes.map((c) => c.name));
  gpuJson.classes.forEach((c, i) => {
    expect(Math.abs(c.probability - cpuJson.classes[i].probability)).toBeLessThan(1e-3);
    c.box?.forEach((v, k) => expect(Math.abs(v - cpuJson.classes[i].box![k])).toBeLessThanOrEqual(2));
  });
  // The raw 28x28 grid as drawn: the same colours to within rounding.
  const cpuPixels = await viewerPixels(page);
  expect(meanChange(gpuPixels, cpuPixels, () => true)).toBeLessThan(0.5);
});
