// With no WebGPU adapter (Chromium without --enable-unsafe-webgpu): the fallback, automatic
// and from a forced ?backend=webgpu.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CHROMIUM, chromiumArgs } from './browser';
import { dropFile, sampleBytes, topClasses, waitForResult } from './helpers';

test.use({ launchOptions: { executablePath: CHROMIUM, args: chromiumArgs(false) } });

test('automatic choice falls back to wasm and says why', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('load-done')).toBeVisible();
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-notes')).toContainText('webgpu: unavailable (no WebGPU adapter (requestAdapter returned null))');
});

test('?backend=webgpu falls back, says so, and still analyses a photo', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('backend-select')).toHaveValue('webgpu');
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-notes')).toContainText('webgpu was requested but cannot run here');
  await dropFile(page, 'coffee.jpg', sampleBytes('coffee.jpg'), 'image/jpeg');
  await waitForResult(page, 'coffee.jpg');
  expect((await topClasses(page))[0]).toBe('espresso');
});

test('a missing model file is said in words, naming the file and the fix', async ({ page }) => {
  // The third shard, named by the storage type setup-models used (group1-shard3of25.bin, group1-f16-shard3of13.bin).
  const manifest = JSON.parse(readFileSync(new URL('../models/resnet-50-imagenet/manifest.json', import.meta.url), 'utf8')) as {
    files: { path: string }[];
  };
  const shard = manifest.files[2].path;
  await page.context().route(`**/models/resnet-50-imagenet/${shard}`, (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?model=resnet-50-imagenet');
  await expect(page.getByTestId('load-failed')).toContainText(`/models/resnet-50-imagenet/${shard}: model file missing (HTTP 404)`);
  await expect(page.getByTestId('notice-error').last()).toContainText('npm run setup-models');
});
