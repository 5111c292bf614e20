import { describe, expect, it } from 'vitest';
import { folderSet, isAnnotationFile } from './folder-set';

const voc = (wnid: string, box = [1, 2, 30, 40]) =>
  `<annotation><size><width>50</width><height>60</height></size><object><name>${wnid}</name><bndbox><xmin>${box[0]}</xmin><ymin>${box[1]}</ymin><xmax>${box[2]}</xmax><ymax>${box[3]}</ymax></bndbox></object></annotation>`;

describe('folderSet', () => {
  it('reads annotations.json in its order, and lists an image without a box and a box without an image', () => {
    const ann = JSON.stringify({
      images: [
        { file: 'b.JPEG', class_index: 5, width: 50, height: 60, boxes: [[1, 2, 3, 4]] },
        {
          file: 'a.JPEG',
          class_index: 7,
          width: 50,
          height: 60,
          boxes: [
            [0, 0, 10, 10],
            [5, 5, 20, 20],
          ],
        },
        { file: 'gone.JPEG', class_index: 1, width: 5, height: 5, boxes: [[0, 0, 1, 1]] },
        { file: 'bad.JPEG', class_index: -1, boxes: [[0, 0, 1, 1]] },
      ],
    });
    const paths = ['set/images/a.JPEG', 'set/images/b.JPEG', 'set/images/extra.png', 'set/annotations.json', 'set/README.md'];
    const s = folderSet(paths, new Map([['set/annotations.json', ann]]));
    expect(s.format).toBe('annotations.json');
    expect(s.items.map((i) => [i.path, i.classIndex])).toEqual([
      ['set/images/b.JPEG', 5],
      ['set/images/a.JPEG', 7],
    ]);
    expect(s.items[1].boxes).toHaveLength(2);
    expect(s.items[0].size).toEqual({ width: 50, height: 60 });
    expect(s.problems).toEqual([
      { path: 'gone.JPEG', problem: 'ground truth for an image that is not among the files' },
      { path: 'set/annotations.json: images[3] (bad.JPEG)', problem: '"class_index" must be a non-negative integer' },
      { path: 'set/images/extra.png', problem: 'no ground truth for this image' },
    ]);
  });

  it('says what is wrong with an unreadable annotations.json instead of throwing', () => {
    expect(folderSet(['x/annotations.json', 'x/a.jpg'], new Map([['x/annotations.json', '{"images": [']])).problems[0].problem).toMatch(
      /^not valid JSON/,
    );
  });

  it('reads VOC XML per image with the synset list giving class indices', () => {
    const texts = new Map([
      ['d/LOC_synset_mapping.txt', 'n01440764 tench, Tinca tinca\nn01443537 goldfish\n'],
      ['d/a.xml', voc('n01443537')],
      ['d/b.xml', voc('n09999999')],
      ['d/c.xml', '<annotation><object><name>n01440764</name></object></annotation>'],
      ['d/orphan.xml', voc('n01440764')],
    ]);
    const s = folderSet(['d/a.JPEG', 'd/b.JPEG', 'd/c.JPEG', 'd/none.JPEG', ...texts.keys()], texts);
    expect(s.format).toBe('voc-xml');
    expect(s.items).toEqual([{ path: 'd/a.JPEG', classIndex: 1, boxes: [[1, 2, 30, 40]], size: { width: 50, height: 60 } }]);
    expect(s.problems.map((p) => p.path)).toEqual(['d/b.xml', 'd/c.xml', 'd/none.JPEG', 'd/orphan.xml']);
    expect(s.problems[0].problem).toBe('class n09999999 is not in LOC_synset_mapping.txt');
    expect(s.problems[1].problem).toMatch(/no <bndbox>/);
  });

  it('asks for the synset list when VOC files come without one, and for ground truth when there is none', () => {
    const s = folderSet(['a.JPEG', 'a.xml'], new Map([['a.xml', voc('n01443537')]]));
    expect(s.items).toEqual([]);
    expect(s.problems[0].problem).toMatch(/needs the synset list/);
    expect(folderSet(['a.JPEG'], new Map()).problems[0].problem).toMatch(/no ground truth found/);
    expect(isAnnotationFile('set/annotations.json')).toBe(true);
    expect(isAnnotationFile('set/a.xml')).toBe(true);
    expect(isAnnotationFile('set/a.JPEG')).toBe(false);
  });
});

describe('images named by class', () => {
  const names = ['tench, Tinca tinca', 'tabby, tabby cat', 'tiger cat', 'espresso', 'golden retriever', 'crane', 'crane'];

  it('takes the class from the file name or its folder, by whole synonym, without boxes', () => {
    const s = folderSet(
      ['f/tabby_01.jpg', 'f/Golden_Retriever-3.png', 'f/espresso/shot.jpg', 'f/tiger cat (2).jpg', 'f/holiday.jpg'],
      new Map(),
      names,
    );
    expect(s.format).toBe('class-names');
    expect(s.items.map((i) => [i.path, i.classIndex])).toEqual([
      ['f/tabby_01.jpg', 1],
      ['f/Golden_Retriever-3.png', 4],
      ['f/espresso/shot.jpg', 3],
      ['f/tiger cat (2).jpg', 2],
    ]);
    expect(s.items.every((i) => i.boxes.length === 0 && i.size === null)).toBe(true);
    expect(s.problems).toEqual([{ path: 'f/holiday.jpg', problem: 'no ground truth for this image (its name and folder name no class)' }]);
  });

  it('reads a leading wnid through the synset list, and refuses a synonym two classes share', () => {
    const texts = new Map([['d/synsets.txt', 'n01440764\nn02123045\n']]);
    const s = folderSet(['d/n02123045_10.JPEG', 'd/n01440764/x.JPEG', 'd/crane_1.jpg', 'd/synsets.txt'], texts, names);
    expect(s.items.map((i) => i.classIndex)).toEqual([1, 0]);
    expect(s.problems.map((p) => p.path)).toEqual(['d/crane_1.jpg']);
  });

  it('says what to add when neither annotations nor class names are found', () => {
    const s = folderSet(['a/holiday.jpg'], new Map(), names);
    expect(s.format).toBe('none');
    expect(s.problems[0].problem).toMatch(/name the images \(or their folders\) by class/);
    expect(folderSet(['a/tabby.jpg'], new Map()).format).toBe('none');
  });
});
