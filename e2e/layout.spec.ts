// The first screen on a phone and on a laptop: what comes first, and that nothing runs off the side.
// ResNet-50 is the faster model here; the layout does not depend on which one runs.
import { expect, test, type Page } from '@playwright/test';
import { waitForResult } from './helpers';

/** Page-relative tops, bottoms, lefts and rights (CSS px) of the parts a new user looks for. */
async function parts(page: Page) {
  const rect = async (name: string, locator: ReturnType<Page['locator']>) => {
    const r = await locator.evaluate((e) => {
      const b = e.getBoundingClientRect();
      return { top: b.top + scrollY, bottom: b.bottom + scrollY, left: b.left, right: b.right };
    });
    expect(r.bottom - r.top, `${name} has no height`).toBeGreaterThan(0);
    return r;
  };
  return {
    input: await rect('the drop target and samples', page.getByRole('region', { name: 'Choose a photo' })),
    viewer: await rect('the photo', page.getByTestId('viewer')),
    classes: await rect('the class list', page.getByTestId('classes')),
    model: await rect('the model menu', page.getByTestId('model-select')),
    backend: await rect('the backend menu', page.getByTestId('backend-select')),
  };
}

async function openCoffee(page: Page): Promise<void> {
  await page.goto('/?backend=wasm&model=resnet-50-imagenet');
  await page.getByRole('button', { name: 'Coffee cup' }).click();
  await waitForResult(page, 'coffee.jpg');
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test.describe('at 360 px (a phone)', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the photo comes first, above the fold, then its classes, then the model and backend', async ({ page }) => {
    // Before any photo: the drop target and the samples are on the first screen.
    await page.goto('/?backend=wasm&model=resnet-50-imagenet');
    await expect(page.getByRole('button', { name: 'Grace Hopper' })).toBeInViewport();
    await openCoffee(page);
    const p = await parts(page);
    expect(p.input.top).toBeLessThan(p.viewer.top);
    expect(p.viewer.top).toBeLessThan(p.classes.top);
    expect(p.classes.top).toBeLessThan(p.model.top);
    expect(p.classes.top).toBeLessThan(p.backend.top);
    // The photo starts on the first screen of a 360 x 640 phone.
    expect(p.viewer.top).toBeLessThan(640);
    // The three samples share one row.
    const tops = await page.locator('.sample').evaluateAll((es) => es.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    expect(await noSidewaysScroll(page)).toBe(0);
  });
});

test.describe('at 1280 px (a laptop)', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the model and backend stay at the top, the photo and its classes side by side', async ({ page }) => {
    await openCoffee(page);
    const p = await parts(page);
    expect(p.model.bottom).toBeLessThan(p.input.top);
    expect(p.input.top).toBeLessThan(p.viewer.top);
    expect(p.classes.left).toBeGreaterThan(p.viewer.right);
    expect(Math.abs(p.classes.top - p.viewer.top)).toBeLessThan(50);
    expect(p.viewer.top).toBeLessThan(800);
    expect(await noSidewaysScroll(page)).toBe(0);
  });
});
