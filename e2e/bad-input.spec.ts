// The worst inputs of the fuzz test (src/fuzz.test.ts), dropped on the page (issue 20, item 4):
// each is answered in words, and the current photo, its shown classes and its ground truth stay.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { expect, test, type Page } from '@playwright/test';
import { dropFile, manyBoxes, sampleBytes, waitForResult } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;

/** What must survive every bad input: the photo, the classes shown and the ground truth. */
async function viewKept(p: Page, shown: string[]): Promise<void> {
  await expect(p.locator('figcaption', { hasText: 'chelsea.png' })).toBeVisible();
  expect(await p.locator('[data-testid^=class-name-]').allTextContents()).toEqual(shown);
  await expect(p.getByTestId('gt-panel')).toContainText('1 box: [0, 0, 405, 300]');
}

function pngClaiming(width: number, height: number): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  const b = PNG.sync.write(png);
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.writeUInt32BE(crc32(b.subarray(12, 29)), 29);
  return b;
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Chelsea the cat' }).click();
  await waitForResult(page, 'chelsea.png');
  await page.getByTestId('gt-file').setInputFiles({
    name: 'cat.xml',
    mimeType: 'text/xml',
    buffer: Buffer.from(
      '<annotation><size><width>451</width><height>300</height></size><object><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>405</xmax><ymax>300</ymax></bndbox></object></annotation>',
    ),
  });
  await expect(page.getByTestId('gt-panel')).toContainText('1 box');
});

test.afterAll(async () => {
  await page.context().close();
});

test('broken and hostile photos are refused in words; the view stays', async () => {
  const shown = await page.locator('[data-testid^=class-name-]').allTextContents();
  const png = sampleBytes('chelsea.png');
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff));
  const flipped = Buffer.from(png);
  for (let i = 40; i < flipped.length; i += 997) flipped[i] ^= 0x10;
  const cases: [string, Buffer, RegExp][] = [
    ['noise.png', random, /noise\.png is not an image/],
    ['half.png', png.subarray(0, Math.floor(png.length / 2)), /half\.png is a truncated PNG/],
    ['flipped.png', flipped, /flipped\.png/],
    ['enormous.png', pngClaiming(100_000, 100_000), /enormous\.png/],
  ];
  for (const [name, bytes, said] of cases) {
    await dropFile(page, name, bytes, 'image/png');
    await expect(page.getByTestId('notice-error').last()).toContainText(said);
    await viewKept(page, shown);
  }
});

test('a deeply nested or huge ground-truth file is refused in words; the view stays', async () => {
  const shown = await page.locator('[data-testid^=class-name-]').allTextContents();
  await page.getByTestId('gt-file').setInputFiles({ name: 'deep.json', mimeType: 'application/json', buffer: Buffer.from('['.repeat(100_000)) });
  await expect(page.getByTestId('notice-error').last()).toContainText('deep.json');
  await viewKept(page, shown);
  await page
    .getByTestId('gt-file')
    .setInputFiles({ name: 'strings.json', mimeType: 'application/json', buffer: Buffer.from('{"boxes": ["1,2,3,4"]}') });
  await expect(page.getByTestId('notice-error').last()).toContainText('strings.json');
  await viewKept(page, shown);
});

test('random bytes as a link are said not to be a DRN Lens link; the view stays', async () => {
  const shown = await page.locator('[data-testid^=class-name-]').allTextContents();
  await page.evaluate(() => {
    location.hash = '#%01%FE%7Fgarbage=%00&&==';
  });
  await expect(page.getByTestId('notice-error').last()).toContainText('not a DRN Lens link');
  await viewKept(page, shown);
});

test('a folder evaluation of nothing says so and shows no figures; the view stays', async () => {
  const shown = await page.locator('[data-testid^=class-name-]').allTextContents();
  const dir = mkdtempSync(join(tmpdir(), 'nothing-'));
  // Boxes as strings, and an image that is not among the files: nothing can be evaluated.
  writeFileSync(
    join(dir, 'annotations.json'),
    JSON.stringify({
      images: [
        { file: 'a.jpg', class_index: 1, boxes: ['1,2,3,4'] },
        { file: 'gone.jpg', class_index: 1, boxes: [[0, 0, 5, 5]] },
      ],
    }),
  );
  writeFileSync(join(dir, 'a.jpg'), sampleBytes('coffee.jpg'));
  await page.getByTestId('folder-files').setInputFiles([join(dir, 'annotations.json'), join(dir, 'a.jpg')]);
  await expect(page.getByTestId('folder-nothing')).toContainText('Nothing was evaluated', { timeout: 60_000 });
  await expect(page.getByTestId('folder-problems')).toBeVisible();
  await expect(page.getByTestId('folder-figures')).toHaveCount(0);
  await expect(page.getByTestId('folder-export-json')).toHaveCount(0);
  await viewKept(page, shown);
});

test('ten thousand ground-truth boxes load, and the threshold still moves the boxes', async () => {
  const boxes = manyBoxes(10_000, 400, 250);
  await page
    .getByTestId('gt-file')
    .setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ boxes })) });
  await expect(page.getByTestId('gt-panel')).toContainText('10000 boxes', { timeout: 30_000 });
  const slider = page.getByTestId('threshold');
  const before = await page.getByTestId('threshold-value').textContent();
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('threshold-value')).not.toHaveText(before!, { timeout: 10_000 });
  await expect(page.locator('figcaption', { hasText: 'chelsea.png' })).toBeVisible();
});

test('a link showing a hundred classes lists thirty with a way to list all, and the legend and charts keep to the drawn ones', async ({
  browser,
}) => {
  const p = await (await browser.newContext()).newPage();
  const classes = Array.from({ length: 100 }, (_, i) => i * 10);
  await p.goto(`/#v=1&photo=coffee.jpg&classes=${classes.join(',')}`);
  await waitForResult(p, 'coffee.jpg');
  const rows = p.locator('[data-testid=classes] li');
  await expect(rows).toHaveCount(30);
  await expect(p.getByTestId('classes-all')).toContainText(/list all 10\d classes/);
  await expect(p.getByTestId('legend').locator('.ramp-row')).toHaveCount(12);
  await expect(p.getByTestId('legend-more')).toContainText('+88 more classes shown');
  // The IoU chart draws one line per class drawn with a box.
  await expect(p.getByTestId('iou-chart').locator('figure').first().locator('polyline')).toHaveCount(12);
  await p.getByTestId('classes-all').click();
  expect(await rows.count()).toBeGreaterThanOrEqual(100);
  const slider = p.getByTestId('threshold');
  const before = await p.getByTestId('threshold-value').textContent();
  await slider.focus();
  await p.keyboard.press('ArrowRight');
  await expect(p.getByTestId('threshold-value')).not.toHaveText(before!);
  await p.context().close();
});
