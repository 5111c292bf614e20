// Labels on the photo are drawn at the size they are displayed (issue 20, item 1): legible at a
// phone's 360 px and a laptop's 1280 px, while the PNG export keeps labels sized for the photo.
import { expect, test } from '@playwright/test';
import { waitForResult } from './helpers';

for (const width of [360, 1280]) {
  test(`at ${width} px the labels on the photo show at least 11 CSS px tall`, async ({ browser }) => {
    const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Chelsea the cat' }).click();
    await waitForResult(page, 'chelsea.png');
    const viewer = page.getByTestId('viewer');
    await expect(viewer).toHaveAttribute('data-label-css-px', /\d/);
    const css = Number(await viewer.getAttribute('data-label-css-px'));
    expect(css).toBeGreaterThanOrEqual(11);
    await page.context().close();
  });
}
