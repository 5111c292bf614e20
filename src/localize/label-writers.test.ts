import { describe, expect, it } from 'vitest';
import { parseCocoJson, parseVocXml, parseYoloTxt } from './ground-truth';
import { COCO_FILE, labelFiles, type LabeledImage } from './label-writers';

const images: LabeledImage[] = [
  {
    file: 'a/dog-1.jpg',
    width: 640,
    height: 480,
    objects: [
      { label: 'dog', box: [10, 20, 300, 400], score: 0.9 },
      { label: 'my <mug> & co', box: [400, 100, 640, 480], score: 0.7 },
    ],
  },
  { file: 'b.png', width: 300, height: 200, objects: [{ label: 'dog', box: [0, 0, 150, 100] }] },
  { file: 'empty.jpg', width: 100, height: 100, objects: [] },
];

const byPath = (files: { path: string; text: string }[]) => new Map(files.map((f) => [f.path, f.text]));

describe('label writers read back through the ground-truth loaders', () => {
  it('Pascal VOC: one XML per image with objects, boxes, size and names unchanged', () => {
    const files = byPath(labelFiles('voc', images));
    expect([...files.keys()]).toEqual(['a/dog-1.xml', 'b.xml']);
    const a = parseVocXml(files.get('a/dog-1.xml')!, 'a/dog-1.xml');
    expect(a).toEqual({
      boxes: [images[0].objects[0].box, images[0].objects[1].box],
      size: { width: 640, height: 480 },
      labels: ['dog', 'my <mug> & co'],
    });
    expect(parseVocXml(files.get('b.xml')!, 'b.xml').boxes).toEqual([[0, 0, 150, 100]]);
  });

  it('COCO: one JSON with every image, its boxes and category names', () => {
    const [file] = labelFiles('coco', images);
    expect(file.path).toBe(COCO_FILE);
    const read = parseCocoJson(file.text, file.path);
    expect([...read.keys()]).toEqual(['a/dog-1.jpg', 'b.png', 'empty.jpg']);
    for (const im of images) {
      expect(read.get(im.file)).toEqual({
        boxes: im.objects.map((o) => o.box),
        size: { width: im.width, height: im.height },
        labels: im.objects.map((o) => o.label),
      });
    }
    expect(JSON.parse(file.text).annotations[0].score).toBe(0.9);
  });

  it('YOLO: a .txt per image (empty without objects) and classes.txt', () => {
    const files = byPath(labelFiles('yolo', images, ['cat', 'dog']));
    expect(files.get('classes.txt')).toBe('cat\ndog\nmy <mug> & co\n');
    const classes = files.get('classes.txt')!.trim().split('\n');
    expect(files.get('empty.txt')).toBe('');
    for (const im of images) {
      const gt = parseYoloTxt(files.get(im.file.replace(/\.\w+$/, '.txt'))!, classes, im.width, im.height, im.file);
      expect(gt.labels).toEqual(im.objects.map((o) => o.label));
      gt.boxes.forEach((b, i) => b.forEach((v, k) => expect(v).toBeCloseTo(im.objects[i].box[k], 2)));
    }
  });

  it('refuses broken YOLO and COCO files in words', () => {
    expect(() => parseYoloTxt('0 0.5 0.5 0.2\n', ['dog'], 10, 10, 'x.txt')).toThrow('x.txt: line 1 needs "class cx cy w h", got 4 fields');
    expect(() => parseYoloTxt('3 0.5 0.5 0.2 0.2\n', ['dog'], 10, 10, 'x.txt')).toThrow(/class 3 is not a line of classes.txt/);
    expect(() => parseCocoJson('{"images": []}', 'c.json')).toThrow(/not COCO JSON/);
    expect(() => parseCocoJson('{"images": [], "annotations": [{"image_id": 4}], "categories": []}', 'c.json')).toThrow(
      /image 4, which is not listed/,
    );
  });
});
