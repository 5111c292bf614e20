// The annotated images that the eval tests run on: the shared ImageNet dev set where it is (CI,
// and machines with ../shared), else a set made on the fly from the repo's three sample photos and
// their hand-drawn boxes, so that a fresh clone passes its tests. DRN_LENS_REQUIRE_DEV_SET makes a
// missing dev set fail instead (CI sets it for its full run).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_SET, REPO_ROOT } from './paths';

export interface TestDevSet {
  /** A folder holding annotations.json and images/, as `eval --data` reads it. */
  dir: string;
  source: 'shared' | 'samples';
  /** How many images annotations.json lists. */
  images: number;
}

/** The samples with their ImageNet class (by what they show, not by what a model says). */
const SAMPLES = [
  { file: 'chelsea.png', class_index: 281, class_name: 'tabby', width: 451, height: 300 },
  { file: 'coffee.jpg', class_index: 967, class_name: 'espresso', width: 600, height: 400 },
  { file: 'grace_hopper.jpg', class_index: 652, class_name: 'military uniform', width: 512, height: 600 },
];

let made: TestDevSet | null = null;

export function testDevSet(): TestDevSet {
  const annotations = join(DEV_SET, 'annotations.json');
  if (existsSync(annotations)) {
    const images = (JSON.parse(readFileSync(annotations, 'utf8')) as { images: unknown[] }).images.length;
    return { dir: DEV_SET, source: 'shared', images };
  }
  if (process.env.DRN_LENS_REQUIRE_DEV_SET) throw new Error(`DRN_LENS_REQUIRE_DEV_SET is set but the dev set is missing: ${annotations}`);
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'drn-lens-samples-'));
  mkdirSync(join(dir, 'images'));
  const samples = join(REPO_ROOT, 'public', 'samples');
  // Each sample four times under its own name: twelve images, as many as the tests take of the dev
  // set, so that a run lasts long enough to be paused and resumed, as on the dev set.
  const images = [1, 2, 3, 4].flatMap((copy) =>
    SAMPLES.map((s) => {
      const file = s.file.replace(/\.([^.]+)$/, `-${copy}.$1`);
      copyFileSync(join(samples, s.file), join(dir, 'images', file));
      const { boxes } = JSON.parse(readFileSync(join(samples, s.file.replace(/\.[^.]+$/, '.gt.json')), 'utf8')) as { boxes: number[][] };
      return { ...s, file, boxes };
    }),
  );
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ format: 'drn-lens samples', images }));
  console.warn(
    `the shared dev set is missing at ${DEV_SET} (set DRN_LENS_DEV_SET): the eval tests run on the 3 sample photos instead (${images.length} images, four of each)`,
  );
  made = { dir, source: 'samples', images: images.length };
  return made;
}
