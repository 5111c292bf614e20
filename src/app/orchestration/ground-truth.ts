// Ground truth: boxes loaded from a file or drawn and typed by the user, checked against the photo.
import { checkGroundTruth, parseGroundTruth } from '../../localize/ground-truth';
import type { Box } from '../../localize/boxes';
import type { Page } from './page';

export class GroundTruthEditor {
  constructor(private readonly page: Page) {}

  /** Ground truth from a Pascal VOC XML or JSON file, checked against the photo's size. */
  async load(file: Blob & { name: string }): Promise<void> {
    const { page } = this;
    const photo = page.state().photo;
    if (!photo) {
      page.say('error', 'Open a photo before loading its ground truth.');
      return;
    }
    try {
      const gt = parseGroundTruth(await file.text(), file.name);
      page.dispatch({ type: 'gt', boxes: checkGroundTruth(gt, photo.width, photo.height, file.name) });
    } catch (e) {
      page.say('error', (e as Error).message);
    }
  }

  /** Adds a ground-truth box drawn or typed by the user, refused in words when it leaves the photo. */
  add(box: Box): void {
    const { page } = this;
    const photo = page.state().photo;
    if (!photo) return;
    try {
      const boxes = checkGroundTruth({ boxes: [box], size: null }, photo.width, photo.height, 'the new ground-truth box');
      page.dispatch({ type: 'gt', boxes: [...page.state().view.gt, ...boxes] });
    } catch (e) {
      page.say('error', (e as Error).message);
    }
  }

  clear(): void {
    this.page.dispatch({ type: 'gt', boxes: [] });
  }
}
