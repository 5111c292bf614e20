// Webcam mode with Chromium's fake camera showing a sample photo: live frames with a class and a
// box, frames per second and latency shown, a flat tensor count, pause into the photo view, stop.
import { expect, test } from '@playwright/test';
import { CHROMIUM, chromiumArgs } from './browser';
import { fakeCameraArgs, fakeCameraFile } from './fake-camera';
import { shownBox, topClasses } from './helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM,
    args: [...chromiumArgs(false), ...fakeCameraArgs(fakeCameraFile('coffee.jpg'))],
  },
});

async function framesDone(page: import('@playwright/test').Page): Promise<number> {
  const m = ((await page.getByTestId('camera-stats').textContent()) ?? '').match(/(\d+) frames$/);
  return m ? Number(m[1]) : 0;
}

test('the camera runs frames back to back, shows a box, keeps tensors flat, pauses into a photo and stops', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/');
  await expect(page.getByTestId('load-done')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('camera-start').click();
  await expect.poll(() => framesDone(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('camera-stats')).toHaveText(/^[\d.]+ frames\/s · \d+ ms a frame · \d+ frames$/);
  // Each frame replaces the last, so read the class list as it comes and goes.
  await expect.poll(async () => (await topClasses(page))[0], { timeout: 60_000 }).toBe('espresso');
  await expect.poll(() => shownBox(page, 0).catch(() => null), { timeout: 60_000 }).not.toBeNull();

  // Tensors stay flat over 30 more frames (memory is read between frames, in the worker's queue).
  const tensors = async () => Number(((await page.getByTestId('tensors').textContent()) ?? '').match(/\d+/)?.[0]);
  const before = await tensors();
  const start = await framesDone(page);
  await expect.poll(() => framesDone(page), { timeout: 300_000, intervals: [1000] }).toBeGreaterThanOrEqual(start + 30);
  expect(await tensors()).toBe(before);

  await page.getByTestId('camera-pause').click();
  const paused = await framesDone(page);
  await page.waitForTimeout(2000);
  expect(await framesDone(page)).toBe(paused);
  // The frozen frame is a normal photo: switching a class works on it.
  await expect(page.getByTestId('class-name-1')).toBeVisible();
  await page.getByTestId('camera-stop').click();
  await expect(page.getByTestId('camera-start')).toBeVisible();
});
