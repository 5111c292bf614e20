import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDevSet } from './eval';

function devSet(annotations: string | null, files: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'devset-'));
  mkdirSync(join(dir, 'images'));
  for (const f of files) writeFileSync(join(dir, 'images', f), 'x');
  if (annotations !== null) writeFileSync(join(dir, 'annotations.json'), annotations);
  return dir;
}

const image = (file: string, extra: object = {}) => ({ file, class_index: 3, width: 10, height: 8, boxes: [[1, 1, 5, 6]], ...extra });

describe('readDevSet', () => {
  it('reads images up to the limit with their class and boxes', async () => {
    const dir = devSet(JSON.stringify({ images: [image('a.jpg'), image('b.jpg'), image('c.jpg')] }), ['a.jpg', 'b.jpg']);
    const set = await readDevSet(dir, 2);
    expect(set.map((s) => s.path)).toEqual([join(dir, 'images', 'a.jpg'), join(dir, 'images', 'b.jpg')]);
    expect(set[0]).toMatchObject({ classIndex: 3, width: 10, height: 8, boxes: [[1, 1, 5, 6]] });
  });

  it('names the file in one line for a missing or malformed annotations.json', async () => {
    const missing = devSet(null);
    await expect(readDevSet(missing)).rejects.toThrow(`${join(missing, 'annotations.json')}: no such file`);
    const broken = devSet('{"images": [');
    await expect(readDevSet(broken)).rejects.toThrow(`${join(broken, 'annotations.json')}: not valid JSON`);
    const empty = devSet('{"format": "x"}');
    await expect(readDevSet(empty)).rejects.toThrow('no "images" list');
  });

  it('names the entry with bad boxes and the image file that is missing', async () => {
    const bad = devSet(JSON.stringify({ images: [image('a.jpg', { boxes: [[5, 1, 1, 6]] })] }), ['a.jpg']);
    await expect(readDevSet(bad)).rejects.toThrow('images[0] (a.jpg): "boxes" must be');
    const gone = devSet(JSON.stringify({ images: [image('a.jpg'), image('b.jpg')] }), ['a.jpg']);
    await expect(readDevSet(gone)).rejects.toThrow(`${join(gone, 'images', 'b.jpg')}: no such file`);
  });
});
