// Importing a PyTorch checkpoint in the page: converted in a worker, stored in IndexedDB, in the
// model picker after a reload, deletable; its result matches what PyTorch computed; bad files
// are refused in words. Uses the small committed fixtures (DRN at 1/8 width).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { softmax, topK } from '../src/models/class-maps';
import { downloadJson, dropFile, waitForResult } from './helpers';

const FIXTURES = new URL('../src/weights/torch/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

test('a .pth checkpoint is imported, runs like PyTorch, survives a reload and can be deleted', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('load-done')).toBeVisible();
  await page
    .getByTestId('import-input')
    .setInputFiles({ name: 'drn_c_26_w8.zip.pth', mimeType: 'application/octet-stream', buffer: fixture('drn_c_26_w8.zip.pth') });
  await expect(page.getByTestId('notice-info').last()).toContainText('drn_c_26_w8.zip.pth was imported as');
  await expect(page.getByTestId('model-select')).toHaveValue(/^drn-c-26/);
  const id = await page.getByTestId('model-select').inputValue();
  await expect(page.getByTestId('load-done')).toContainText(/weights from the browser cache|downloaded/);

  // PyTorch's own logits for the fixture photo (fixtures/make_fixtures.py, torch 1.13).
  await dropFile(page, 'input.png', fixture('input.png'), 'image/png');
  await waitForResult(page, 'input.png');
  const json = await downloadJson(page);
  expect(json.model).toBe(id);
  expect(json.mapSize).toEqual([28, 28]);
  const index = JSON.parse(fixture('fixtures.json').toString()) as { models: { arch: string; expected: string }[] };
  const expected = fixture(index.models.find((m) => m.arch === 'drn_c_26')!.expected);
  const logits = new Float32Array(expected.buffer.slice(expected.byteOffset, expected.byteOffset + 4000));
  const probs = softmax(logits);
  const torchTop = topK(logits, 5); // ranked by logit: tiny probabilities tie in float32
  expect(json.classes.map((c) => c.index)).toEqual(torchTop);
  json.classes.forEach((c) => expect(Math.abs(c.probability - probs[c.index])).toBeLessThan(1e-3));

  await page.reload();
  await expect(page.getByTestId('imported-list')).toContainText('DRN-C-26');
  await expect(page.getByTestId('model-select').locator(`option[value="${id}"]`)).toHaveCount(1);
  await page
    .getByRole('button', { name: /^Delete / })
    .first()
    .click();
  await expect(page.getByTestId('model-select').locator(`option[value="${id}"]`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('load-done')).toBeVisible();
  await expect(page.getByTestId('model-select').locator(`option[value="${id}"]`)).toHaveCount(0);
});

test('a hostile pickle and a file that is no checkpoint are refused in words', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('load-done')).toBeVisible();
  // A pickle that would call os.system("echo pwned") if it were unpickled naively.
  const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R.', 'latin1')]);
  await dropFile(page, 'evil.pth', evil);
  await expect(page.getByTestId('notice-error').last()).toContainText('evil.pth');
  await dropFile(page, 'holiday.pth', Buffer.from('not a checkpoint at all\n'));
  await expect(page.getByTestId('notice-error').last()).toContainText('holiday.pth');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  // Still the default model, still working.
  await expect(page.getByTestId('model-select')).toHaveValue('drn-a-50-imagenet');
});
