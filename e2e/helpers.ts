// Shared steps of the e2e tests: feeding files the way a user does, reading results and pixels.
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const SAMPLES = new URL('../public/samples/', import.meta.url);
export const sampleBytes = (name: string) => readFileSync(new URL(name, SAMPLES));

/**
 * Drops a file on the page through a real drop event carrying a DataTransfer. Right after
 * `page.goto` the app may not have attached its drop listener yet (React runs effects after the
 * first paint), and a drop nobody takes is simply lost; so the drop is repeated until a listener
 * takes it, which the app shows by cancelling the event.
 */
export async function dropFile(page: Page, name: string, bytes: Buffer | Uint8Array, type = 'application/octet-stream'): Promise<void> {
  const data = Buffer.from(bytes).toString('base64');
  const taken = await page.evaluate(
    async ({ name, data, type }) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      for (const until = performance.now() + 30_000; performance.now() < until;) {
        const dt = new DataTransfer();
        dt.items.add(new File([raw], name, { type }));
        const target = document.querySelector('main') ?? document.body;
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        if (!target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    { name, data, type },
  );
  expect(taken, `no drop listener took ${name} within 30 s`).toBe(true);
}

/** Waits until the page holds a result for `photo` and no analysis is running. */
export async function waitForResult(page: Page, photo: string, timeout = 180_000): Promise<void> {
  await expect(page.locator('figcaption', { hasText: photo })).toBeVisible({ timeout });
  await expect(page.getByTestId('class-name-0')).toBeVisible({ timeout });
  await expect(page.getByTestId('running')).toHaveCount(0, { timeout });
}

export async function topClasses(page: Page): Promise<string[]> {
  return page.locator('[data-testid^=class-name-]').allTextContents();
}

/** The viewer's pixels, with the scale from photo pixels to canvas pixels. */
export async function viewerPixels(page: Page): Promise<{ width: number; height: number; scale: number; data: number[] }> {
  return page.getByTestId('viewer').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    return { width: c.width, height: c.height, scale: c.width / Number(c.dataset.photoWidth), data: Array.from(d) };
  });
}

export type Rect = [number, number, number, number];

/** Mean absolute RGB change between two renderings over the pixels where `where` holds. */
export function meanChange(a: { width: number; data: number[] }, b: { data: number[] }, where: (x: number, y: number) => boolean): number {
  let sum = 0,
    n = 0;
  const h = a.data.length / 4 / a.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!where(x, y)) continue;
      const p = 4 * (y * a.width + x);
      sum += Math.abs(a.data[p] - b.data[p]) + Math.abs(a.data[p + 1] - b.data[p + 1]) + Math.abs(a.data[p + 2] - b.data[p + 2]);
      n += 3;
    }
  }
  return n ? sum / n : NaN;
}

/** Box of class row `rank` as shown in the list, in photo pixels. */
export async function shownBox(page: Page, rank: number): Promise<Rect | null> {
  const text = (await page.getByTestId(`class-box-${rank}`).textContent()) ?? '';
  const m = text.match(/box (-?\d+), (-?\d+), (-?\d+), (-?\d+)/);
  return m ? (m.slice(1).map(Number) as Rect) : null;
}

export async function downloadJson(page: Page): Promise<LocateJson> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8')) as LocateJson;
}

export interface LocateJson {
  image: string;
  width: number;
  height: number;
  model: string;
  backend: string;
  rule: string;
  threshold: number;
  mapSize: [number, number];
  classes: { index: number; name: string; probability: number; box: Rect | null }[];
}

/** `n` small ground-truth boxes spread over a `width` x `height` photo, the same every time. */
export const manyBoxes = (n: number, width: number, height: number): Rect[] =>
  Array.from({ length: n }, (_, i) => {
    const x = (i * 37) % width,
      y = (i * 53) % height;
    return [x, y, x + 20 + (i % 31), y + 20 + (i % 29)];
  });
