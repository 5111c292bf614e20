// Research mode in the page: the gridding measure in the raw-grid view (equal to locate --json's)
// and the faithfulness curves, run on demand in the worker with progress and a cancel button.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { waitForResult } from './helpers';

const REPO = fileURLToPath(new URL('..', import.meta.url));

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Chelsea the cat' }).click();
  await waitForResult(page, 'chelsea.png');
});

test.afterAll(async () => {
  await page.context().close();
});

test('the raw-grid view states each shown map\'s gridding, as locate --json reports it', async () => {
  await expect(page.getByTestId('gridding')).toHaveCount(0);
  await page.getByTestId('raw-grid').check();
  const shown = await page.getByTestId('gridding-score').allTextContents();
  expect(shown.length).toBe(1);
  const cli = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'locate', 'public/samples/chelsea.png', '--json', '--top', '1'], { cwd: REPO, encoding: 'utf8' })) as {
    classes: { gridding: number }[];
  };
  expect(Math.abs(Number(shown[0]) - cli.classes[0].gridding)).toBeLessThan(0.002);
  await page.getByTestId('raw-grid').uncheck();
  await expect(page.getByTestId('gridding')).toHaveCount(0);
});

test('faithfulness curves run in the worker with progress, can be cancelled, and end with both areas', async () => {
  const run = page.getByTestId('faith-run');
  await expect(run).toContainText('31 forward passes');
  await run.click();
  await expect(page.getByTestId('faith-progress')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('faith-progress').getAttribute('value')), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('faith-cancel').click();
  await expect(page.getByTestId('faith-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('notice-info').filter({ hasText: 'Faithfulness run cancelled' })).toBeVisible();
  // The page stays usable during a run, and after a cancel the next run goes to the end.
  await run.click();
  await expect(page.getByTestId('faith-caption')).toBeVisible({ timeout: 200_000 });
  await expect(page.getByTestId('faith-caption')).toContainText('16 steps, 31 passes');
  const del = Number(await page.getByTestId('faith-auc-deletion').textContent());
  const ins = Number(await page.getByTestId('faith-auc-insertion').textContent());
  // The cat's own map: removing its strongest pixels first hurts the class more than revealing them first withholds it.
  expect(del).toBeGreaterThanOrEqual(0);
  expect(ins).toBeLessThanOrEqual(1);
  expect(ins).toBeGreaterThan(del);
  const points = (await page.getByTestId('faith-deletion').getAttribute('points'))!.trim().split(' ');
  expect(points.length).toBe(17);
});
