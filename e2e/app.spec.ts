// The main flow on the automatic backend. The browser has a (software) WebGPU adapter here, so
// these tests also prove that automatic choice ranks a software adapter below wasm.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { downloadJson, dropFile, meanChange, sampleBytes, shownBox, topClasses, viewerPixels, waitForResult } from './helpers';

const REPO = fileURLToPath(new URL('..', import.meta.url));

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto('/');
});

test.afterAll(async () => {
  await page.context().close();
});

test('a dropped photo gets its class, on wasm chosen over the software WebGPU adapter', async () => {
  await dropFile(page, 'coffee.jpg', sampleBytes('coffee.jpg'), 'image/jpeg');
  await waitForResult(page, 'coffee.jpg');
  expect((await topClasses(page))[0]).toBe('espresso');
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('device')).toContainText('SIMD');
  await expect(page.getByTestId('last-ms')).toHaveText(/^\d+ ms$/);
  // The adapter is there but software, and the page says why it was passed over.
  await expect(page.getByTestId('backend-notes')).toContainText(/webgpu: software renderer \(.*swiftshader.*\), ranked below wasm/i);
});

test('a heatmap changes the photo inside its box and hardly far outside it', async () => {
  const box = await shownBox(page, 0);
  expect(box).not.toBeNull();
  await page.getByTestId('class-0').uncheck();
  const off = await viewerPixels(page);
  await page.getByTestId('class-0').check();
  const on = await viewerPixels(page);
  const s = on.scale;
  const [x0, y0, x1, y1] = box!.map((v) => v * s);
  const margin = 0.05 * on.width;
  const inside = meanChange(off, on, (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1);
  const farOutside = meanChange(off, on, (x, y) => x < x0 - margin || x >= x1 + margin || y < y0 - margin || y >= y1 + margin);
  expect(inside).toBeGreaterThan(15);
  expect(farOutside).toBeLessThan(inside / 4);
});

test('the threshold slider and the rule switch move the box without running the network', async () => {
  const ms = await page.getByTestId('last-ms').textContent();
  // The CAM rule at tau 0.25 is the default (it localizes best on the dev set).
  await expect(page.getByTestId('rule-cam')).toBeChecked();
  await expect(page.getByTestId('threshold-value')).toHaveText('0.25');
  const before = await shownBox(page, 0);
  const slider = page.getByTestId('threshold');
  await slider.focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.65');
  const higher = await shownBox(page, 0);
  expect(higher).not.toEqual(before);
  // A higher tau keeps fewer cells: the box can only shrink (or vanish).
  if (higher) expect((higher[2] - higher[0]) * (higher[3] - higher[1])).toBeLessThan((before![2] - before![0]) * (before![3] - before![1]));
  await page.getByTestId('rule-drn').check();
  await expect(page.getByTestId('threshold-value')).toHaveText('0.00');
  const drn = await shownBox(page, 0);
  expect(drn).not.toBeNull();
  expect(drn).not.toEqual(higher);
  await page.getByTestId('rule-cam').check();
  expect(await shownBox(page, 0)).toEqual(higher);
  await expect(page.getByTestId('last-ms')).toHaveText(ms!);
  // Back to the default for the tests that follow.
  await slider.focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.25');
  expect(await shownBox(page, 0)).toEqual(before);
});

test('the JSON export is what `locate --json` prints for the same photo and model', async () => {
  await dropFile(page, 'chelsea.png', sampleBytes('chelsea.png'), 'image/png');
  await waitForResult(page, 'chelsea.png');
  const fromPage = await downloadJson(page);
  const cliOut = execFileSync('npx', ['tsx', 'src/cli/main.ts', 'locate', '--json', '--model', 'drn-a-50-imagenet', 'public/samples/chelsea.png'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const cliJson = JSON.parse(cliOut);
  const fromCli = (Array.isArray(cliJson) ? cliJson[0] : cliJson) as typeof fromPage;
  expect(fromPage.model).toBe('drn-a-50-imagenet');
  expect([fromPage.width, fromPage.height]).toEqual([fromCli.width, fromCli.height]);
  expect(fromPage.mapSize).toEqual([28, 28]);
  expect([fromPage.rule, fromPage.threshold]).toEqual([fromCli.rule, fromCli.threshold]);
  expect(fromPage.classes.map((c) => c.name)).toEqual(fromCli.classes.map((c) => c.name));
  fromPage.classes.forEach((c, i) => {
    const other = fromCli.classes[i];
    expect(Math.abs(c.probability - other.probability)).toBeLessThan(1e-3);
    expect(c.box === null).toBe(other.box === null);
    c.box?.forEach((v, k) => expect(Math.abs(v - other.box![k])).toBeLessThanOrEqual(2));
  });
});

test('twenty inferences leave as many tensors as one', async () => {
  const tensors = async () => Number(await page.getByTestId('tensors').textContent());
  const after1 = await tensors();
  expect(after1).toBeGreaterThan(0);
  const rerun = page.getByTestId('rerun');
  for (let i = 0; i < 19; i++) {
    await rerun.click();
    // Disabled while the network runs (a second or more), enabled once the maps are back.
    await expect(rerun).toBeDisabled();
    await expect(rerun).toBeEnabled();
  }
  expect(await tensors()).toBe(after1);
});

test('a text file named .jpg and a truncated JPEG get errors, and the page keeps working', async () => {
  await dropFile(page, 'notes.jpg', Buffer.from('These are my holiday notes, not a photo.\n'), 'image/jpeg');
  await expect(page.getByTestId('notice-error').last()).toContainText('notes.jpg is not an image: it contains text');
  const jpg = sampleBytes('coffee.jpg');
  await dropFile(page, 'cut.jpg', jpg.subarray(0, Math.floor(jpg.length / 2)), 'image/jpeg');
  await expect(page.getByTestId('notice-error').last()).toContainText('cut.jpg is a truncated JPEG file');
  await dropFile(page, 'coffee.jpg', jpg, 'image/jpeg');
  await waitForResult(page, 'coffee.jpg');
  expect((await topClasses(page))[0]).toBe('espresso');
});

test('a photo over 20 megapixels is downscaled, says so, and boxes stay in its own pixels', async () => {
  // A 6000x4000 JPEG made in the page from the coffee photo (24 megapixels).
  const big = await page.evaluate(async (coffee) => {
    const img = await createImageBitmap(new Blob([Uint8Array.from(atob(coffee), (ch) => ch.charCodeAt(0))]));
    const c = new OffscreenCanvas(6000, 4000);
    c.getContext('2d')!.drawImage(img, 0, 0, 6000, 4000);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, sampleBytes('coffee.jpg').toString('base64'));
  await dropFile(page, 'huge.jpg', Buffer.from(big, 'base64'), 'image/jpeg');
  await waitForResult(page, 'huge.jpg');
  await expect(page.getByTestId('notice-info').last()).toContainText(
    'huge.jpg is 6000×4000 (24.0 megapixels), over the 20-megapixel limit: it was downscaled',
  );
  expect((await topClasses(page))[0]).toBe('espresso');
  const json = await downloadJson(page);
  expect([json.width, json.height]).toEqual([6000, 4000]);
  const box = json.classes[0].box!;
  expect(box[2]).toBeGreaterThan(3000); // the espresso box spans most of the width, in original pixels
});

test('a second visit loads the weights from the browser cache, not the network', async () => {
  const shards: string[] = [];
  page.context().on('request', (r) => {
    if (r.url().endsWith('.bin')) shards.push(r.url());
  });
  await page.reload();
  await expect(page.getByTestId('load-done')).toContainText('from the browser cache');
  expect(shards).toEqual([]);
});

test('with the keyboard alone: pick a sample, switch a class, export', async () => {
  await page.reload();
  await expect(page.getByTestId('load-done')).toBeVisible();
  let focused = '';
  for (let i = 0; i < 20 && !focused.includes('Coffee cup'); i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
  }
  expect(focused).toContain('Coffee cup');
  await page.keyboard.press('Enter');
  await waitForResult(page, 'coffee.jpg');
  // The focused control shows a visible outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
  await page.getByTestId('class-1').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('class-1')).toBeChecked();
  await expect(page.getByTestId('legend')).toContainText(await page.getByTestId('class-name-1').innerText());
});

test('the wasm worker computes on every core (the page says how many threads)', async () => {
  const cores = Math.min(8, availableParallelism());
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('device')).toContainText(`${cores} thread${cores === 1 ? '' : 's'}`);
});
