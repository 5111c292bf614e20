// The viewer's gestures (issue: legible and judgeable maps): several classes at once, any class,
// the default rule, the read-out, ground truth with live IoU, the view in the URL, and exports.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { downloadJson, viewerPixels, waitForResult } from './helpers';

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

async function openSample(p: Page, file: string, title: string): Promise<void> {
  await p.getByRole('button', { name: title }).click();
  await waitForResult(p, file);
}

async function addClass(p: Page, query: string, index: number): Promise<void> {
  await p.getByTestId('class-search').fill(query);
  await p.getByTestId(`match-${index}`).click();
  await expect(p.getByTestId(`class-added-${index}`)).toBeChecked();
}

const swatch = async (p: Page, testId: string): Promise<number[]> => {
  const bg = await p
    .getByTestId(testId)
    .locator('xpath=following-sibling::span[contains(@class,"swatch")]')
    .evaluate((e) => getComputedStyle(e).backgroundColor);
  return bg.match(/\d+/g)!.slice(0, 3).map(Number);
};

/** Mean RGB over a small square of canvas pixels around (x, y). */
function around(img: { width: number; data: number[] }, x: number, y: number, r = 3): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const p = 4 * ((Math.round(y) + dy) * img.width + Math.round(x) + dx);
      for (let k = 0; k < 3; k++) sum[k] += img.data[p + k];
      n++;
    }
  return sum.map((v) => v / n);
}

/** How far the overlay moved a pixel towards `color`, as a cosine between (on - off) and (color - off). */
function towards(off: number[], on: number[], color: number[]): number {
  const d = on.map((v, k) => v - off[k]),
    c = color.map((v, k) => v - off[k]);
  const dot = d.reduce((a, v, k) => a + v * c[k], 0);
  return dot / (Math.hypot(...d) * Math.hypot(...c) || 1);
}

test('the default is the rule that localizes best on the dev set, each rule explained in a line', async () => {
  await openSample(page, 'coffee.jpg', 'Coffee cup');
  await expect(page.getByTestId('rule-cam')).toBeChecked();
  await expect(page.getByTestId('threshold-value')).toHaveText('0.25');
  await expect(page.locator('.rule .explain')).toHaveCount(2);
  await expect(page.locator('.rule .explain').first()).toContainText('largest connected region');
  await page.getByTestId('rule-drn').check();
  await expect(page.getByTestId('threshold-value')).toHaveText('0.00');
  await page.getByTestId('rule-cam').check();
});

test('two classes peaking in different places each dominate near their own peak; cells with no evidence keep the photo', async () => {
  const ms = await page.getByTestId('last-ms').textContent();
  // espresso (967) is the top class, on the cup; desk (526) is searched for and added: it peaks on the table.
  await expect(page.getByTestId('class-name-0')).toHaveText('espresso');
  await addClass(page, 'desk', 526);
  const json = await downloadJson(page);
  const peaks = new Map(json.classes.map((c) => [c.index, (c as unknown as { peak: { x: number; y: number } }).peak]));
  const cup = peaks.get(967)!,
    table = peaks.get(526)!;
  expect(Math.hypot(cup.x - table.x, cup.y - table.y)).toBeGreaterThan(100);
  const colorCup = await swatch(page, 'class-0'),
    colorTable = await swatch(page, 'class-added-526');
  const on = await viewerPixels(page);
  await page.getByTestId('class-0').uncheck();
  await page.getByTestId('class-added-526').uncheck();
  const off = await viewerPixels(page);
  for (const [peak, mine, other] of [
    [cup, colorCup, colorTable],
    [table, colorTable, colorCup],
  ] as const) {
    const a = around(off, peak.x * on.scale, peak.y * on.scale),
      b = around(on, peak.x * on.scale, peak.y * on.scale);
    expect(towards(a, b, mine)).toBeGreaterThan(towards(a, b, other));
    expect(towards(a, b, mine)).toBeGreaterThan(0.8);
  }
  // Raw grid: a pixel shows exactly its cell. Where the read-out says both classes are at or below 0,
  // the photo's pixel is unchanged.
  await page.getByTestId('class-0').check();
  await page.getByTestId('class-added-526').check();
  await page.getByTestId('raw-grid').check();
  const raw = await viewerPixels(page);
  // Walk every cell with the keyboard cursor, reading the read-out (the canvas may be taller than the window).
  const cells = await page.getByTestId('viewer').evaluate(async (canvas: HTMLCanvasElement) => {
    const key = (k: string) => canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const text = (id: string) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? '';
    canvas.focus();
    for (let i = 0; i < 30; i++) {
      key('ArrowLeft');
      key('ArrowUp');
      await frame();
    }
    const out: { cx: number; cy: number; a: number; b: number }[] = [];
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        await frame();
        const [cx, cy] = text('readout-cell').match(/\d+/g)!.map(Number);
        out.push({ cx, cy, a: Number(text('readout-967')), b: Number(text('readout-526')) });
        if (col < 27) key(row % 2 ? 'ArrowLeft' : 'ArrowRight');
      }
      key('ArrowDown');
    }
    return out;
  });
  expect(new Set(cells.map((c) => `${c.cx},${c.cy}`)).size).toBe(28 * 28);
  // Boxes and their labels are drawn over everything: pixels near a box edge are left out of the check.
  const boxes = [
    ...json.classes.filter((c) => c.index === 967 || c.index === 526).map((c) => c.box!),
    ...(json as unknown as { gt: number[][] }).gt,
  ].map((b) => b.map((v) => v * raw.scale));
  const nearBox = (x: number, y: number) =>
    boxes.some(
      ([x0, y0, x1, y1]) =>
        (x > x0 - 40 && x < x1 + 40 && (Math.abs(y - y0) < 40 || Math.abs(y - y1) < 40)) ||
        (y > y0 - 40 && y < y1 + 40 && (Math.abs(x - x0) < 10 || Math.abs(x - x1) < 10)),
    );
  let quiet = 0;
  for (const { cx, cy, a, b } of cells) {
    if (a > 0 || b > 0) continue;
    const x = Math.floor(((cx + 0.5) / 28) * raw.width),
      y = Math.floor(((cy + 0.5) / 28) * raw.height),
      p = 4 * (y * raw.width + x);
    if (nearBox(x, y)) continue;
    quiet++;
    expect(raw.data.slice(p, p + 3)).toEqual(off.data.slice(p, p + 3));
  }
  expect(quiet).toBeGreaterThan(0);
  await page.getByTestId('raw-grid').uncheck();
  // None of this ran the network again.
  await expect(page.getByTestId('last-ms')).toHaveText(ms!);
});

test('any class is found by name, shown with its map, box and probability, and removed, without running the network', async () => {
  await openSample(page, 'chelsea.png', 'Chelsea the cat');
  const ms = await page.getByTestId('last-ms').textContent();
  for (const [q, name] of [
    ['espresso', 'espresso'],
    ['ski', 'ski'],
  ] as const) {
    await page.getByTestId('class-search').fill(q);
    await expect(page.getByTestId('class-matches')).toContainText(name);
  }
  // tabby is in chelsea's top 5; espresso is not: adding it brings its map from the worker.
  await addClass(page, 'espresso', 967);
  await expect(page.getByTestId('class-added-name-967')).toHaveText('espresso');
  await expect(page.getByTestId('class-added-box-967')).toContainText(/box|no box/);
  await expect(page.getByTestId('legend')).toContainText('espresso');
  await expect(page.getByTestId('running')).toHaveCount(0);
  await expect(page.getByTestId('last-ms')).toHaveText(ms!);
  await page.getByTestId('remove-967').click();
  await expect(page.getByTestId('class-added-967')).toHaveCount(0);
  await expect(page.getByTestId('legend')).not.toContainText('espresso');
  // A name no class has is said in words.
  await page.getByTestId('class-search').fill('zebracorn');
  await expect(page.getByTestId('class-matches')).toContainText('no class matches');
  await page.getByTestId('class-search').press('Enter');
  await expect(page.getByTestId('notice-error').last()).toContainText('is named "zebracorn"');
  await page.getByTestId('class-search').fill('');
});

test("the read-out names the cell, each shown class's activation and the winner; keys move it; the scale switch restates the legend", async () => {
  const canvas = page.getByTestId('viewer');
  await canvas.scrollIntoViewIfNeeded();
  const rect = (await canvas.boundingBox())!;
  await page.mouse.move(rect.x + rect.width * 0.55, rect.y + rect.height * 0.5);
  await expect(page.getByTestId('readout-cell')).toHaveText(/cell \(\d+, \d+\) of 28×28/);
  await expect(page.getByTestId('readout-winner')).not.toBeEmpty();
  await expect(page.getByTestId('readout-285')).toHaveText(/^-?\d+\.\d\d$/);
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  const first = await page.getByTestId('readout-cell').textContent();
  await page.keyboard.press('ArrowDown');
  expect(await page.getByTestId('readout-cell').textContent()).not.toBe(first);
  await addClass(page, 'tiger', 292);
  const perClass = await page.getByTestId('legend-max').allTextContents();
  await expect(page.getByTestId('legend-caption')).toContainText('scale per class');
  await page.getByTestId('scale-shared').check();
  await expect(page.getByTestId('legend-caption')).toContainText('one shared scale');
  const shared = await page.getByTestId('legend-max').allTextContents();
  expect(new Set(shared).size).toBe(1);
  expect(shared[0]).toBe(String(Math.max(...perClass.map(Number)).toFixed(2)));
  await page.getByTestId('scale-class').check();
});

test("ground truth: the sample's own, drawn with the mouse, typed, or loaded, gives live IoUs and a chart that follows the slider", async () => {
  // The sample's hand-drawn box comes with it.
  await expect(page.getByTestId('gt-panel')).toContainText('[0, 0, 405, 300]');
  await expect(page.getByTestId('iou-285')).toHaveText(/IoU 0\.\d\d|IoU 1\.00/);
  const markerBefore = await page.getByTestId('iou-marker-cam').getAttribute('x1');
  const iouBefore = await page.getByTestId('iou-285').textContent();
  const slider = page.getByTestId('threshold');
  await slider.focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  expect(await page.getByTestId('iou-marker-cam').getAttribute('x1')).not.toBe(markerBefore);
  await expect(page.getByTestId('iou-285')).not.toHaveText(iouBefore!);
  await page.keyboard.press('Home');
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.25');
  // Clear, then draw a box by dragging on the photo.
  await page.getByTestId('gt-clear').click();
  await expect(page.getByTestId('iou-285')).toHaveCount(0);
  await page.getByTestId('gt-draw').click();
  await page.getByTestId('viewer').scrollIntoViewIfNeeded();
  const rect = (await page.getByTestId('viewer').boundingBox())!;
  await page.mouse.move(rect.x + rect.width * 0.1, rect.y + rect.height * 0.1);
  await page.mouse.down();
  await page.mouse.move(rect.x + rect.width * 0.5, rect.y + rect.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('gt-panel')).toContainText(/1 box: \[4[4-6], (29|30|31), 22[4-7], 1(79|80|81)\]/);
  await expect(page.getByTestId('iou-285')).toBeVisible();
  // Typed with the keyboard.
  for (const [k, v] of [
    ['x0', '10'],
    ['y0', '10'],
    ['x1', '100'],
    ['y1', '90'],
  ])
    await page.getByTestId(`gt-${k}`).fill(v);
  await page.getByTestId('gt-add').click();
  await expect(page.getByTestId('gt-panel')).toContainText('2 boxes');
  // A box outside the photo is refused in words.
  await page.getByTestId('gt-x1').fill('900');
  await page.getByTestId('gt-add').click();
  await expect(page.getByTestId('notice-error').last()).toContainText('lies outside the 451x300 photo');
  // VOC XML for another image size is refused; the JSON form loads.
  await page.getByTestId('gt-file').setInputFiles({
    name: 'other.xml',
    mimeType: 'text/xml',
    buffer: Buffer.from(
      '<annotation><size><width>500</width><height>375</height></size><object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object></annotation>',
    ),
  });
  await expect(page.getByTestId('notice-error').last()).toContainText('other.xml: the annotation is for a 500x375 image, this photo is 451x300');
  await page.getByTestId('gt-file').setInputFiles({
    name: 'cat.xml',
    mimeType: 'text/xml',
    buffer: Buffer.from(
      '<annotation><size><width>451</width><height>300</height></size><object><name>n02124075</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>405</xmax><ymax>300</ymax></bndbox></object></annotation>',
    ),
  });
  await expect(page.getByTestId('gt-panel')).toContainText('1 box: [0, 0, 405, 300]');
  await expect(page.getByTestId('iou-chart')).toBeVisible();
});

test('exports carry the legend, the ground truth and the IoUs, in the shape locate --json prints', async () => {
  const json = (await downloadJson(page)) as unknown as {
    rule: string;
    threshold: number;
    gt: number[][];
    classes: { index: number; iou: number | null; box: number[] | null; probability: number }[];
  };
  expect(json.rule).toBe('cam');
  expect(json.threshold).toBe(0.25);
  expect(json.gt).toEqual([[0, 0, 405, 300]]);
  expect(json.classes.map((c) => c.index)).toContain(292);
  expect(json.classes.every((c) => typeof c.iou === 'number')).toBe(true);
  const cli = JSON.parse(
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'locate', '--json', '--class', '292', '--gt', '0,0,405,300', 'public/samples/chelsea.png'], {
      cwd: REPO,
      encoding: 'utf8',
    }),
  );
  expect(Object.keys(cli).sort()).toEqual(Object.keys(json).sort());
  expect(cli.gt).toEqual(json.gt);
  cli.classes.forEach((c: { index: number; iou: number }, i: number) => {
    expect(c.index).toBe(json.classes[i].index);
    expect(Math.abs(c.iou - json.classes[i].iou!)).toBeLessThan(0.02);
  });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const png = readFileSync(await download.path());
  const fromPage = PNG.sync.read(png);
  // The legend adds rows under the photo.
  expect(fromPage.width).toBe(451);
  expect(fromPage.height).toBeGreaterThan(300);
  // One renderer: the CLI's --overlay of the same view is the same picture, up to text antialiasing
  // and font metrics (Chromium's fonts against Skia's in Node) and ~1e-6 between the two wasm runs.
  const out = join(tmpdir(), `drn-lens-overlay-${process.pid}.png`);
  execFileSync('npx', ['tsx', 'src/cli/main.ts', 'locate', '--class', '292', '--gt', '0,0,405,300', '--overlay', out, 'public/samples/chelsea.png'], {
    cwd: REPO,
  });
  const fromCli = PNG.sync.read(readFileSync(out));
  expect([fromCli.width, fromCli.height]).toEqual([fromPage.width, fromPage.height]);
  let close = 0,
    sum = 0;
  const n = fromPage.width * 300;
  for (let i = 0; i < n; i++) {
    const d = Math.max(...[0, 1, 2].map((k) => Math.abs(fromPage.data[4 * i + k] - fromCli.data[4 * i + k])));
    sum += d;
    if (d <= 8) close++;
  }
  expect(close / n).toBeGreaterThan(0.97);
  expect(sum / n).toBeLessThan(4);
});

test('the URL holds the view: a fresh browser opens the same view, Back and Forward step through changes without running the network', async ({
  browser,
}) => {
  // A fresh browser downloads the 100 MB of weights again.
  test.setTimeout(480_000);
  await page.getByTestId('rule-drn').check();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('rule=drn');
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('photo=chelsea.png');
  expect(hash).toMatch(/classes=[\d,]*292/);
  expect(hash).toContain('gt=0,0,405,300');
  const ms = await page.getByTestId('last-ms').textContent();
  await page.goBack();
  await expect(page.getByTestId('rule-cam')).toBeChecked();
  await page.goForward();
  await expect(page.getByTestId('rule-drn')).toBeChecked();
  await expect(page.getByTestId('last-ms')).toHaveText(ms!);
  // A fresh browser context (no shared state) opening the link.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(`/${hash}`);
  await waitForResult(fresh, 'chelsea.png');
  await expect(fresh.getByTestId('rule-drn')).toBeChecked();
  await expect(fresh.getByTestId('class-added-292')).toBeChecked();
  await expect(fresh.getByTestId('gt-panel')).toContainText('[0, 0, 405, 300]');
  await fresh.context().close();
  await page.getByTestId('rule-cam').check();
});

test('a link from another version or edited by hand: what is wrong is said, the rest applies', async ({ browser }) => {
  test.setTimeout(480_000);
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto('/#v=9&photo=coffee.jpg&rule=sideways&classes=967,abc&t=0.3');
  await waitForResult(fresh, 'coffee.jpg');
  await expect(fresh.getByTestId('notice-error').first()).toContainText('another version of DRN Lens');
  await expect(fresh.locator('[data-testid=notice-error]', { hasText: 'rule=sideways' })).toBeVisible();
  await expect(fresh.getByTestId('threshold-value')).toHaveText('0.30');
  await expect(fresh.getByTestId('class-0')).toBeChecked();
  // The URL holds the view applied at once, without the refused fields (issue 20).
  await expect.poll(() => fresh.evaluate(() => location.hash)).not.toContain('sideways');
  const hash = await fresh.evaluate(() => location.hash);
  expect(hash).toContain('v=1&');
  expect(hash).toContain('photo=coffee.jpg');
  expect(hash).toContain('t=0.3');
  expect(hash).not.toContain('abc');
  await fresh.context().close();
});
