// Boxes found on a folder of images, written as the label files detection tools read: Pascal VOC
// XML (one file per image), COCO JSON (one file), YOLO text (one file per image plus classes.txt).
// Pure: each writer returns the files' names and texts, and the caller writes them.
import type { Box } from './boxes';

export type LabelFormat = 'voc' | 'coco' | 'yolo';
export const LABEL_FORMATS: readonly LabelFormat[] = ['voc', 'coco', 'yolo'];

export interface LabeledObject {
  label: string;
  /** [xmin, ymin, xmax, ymax] in photo pixels. */
  box: Box;
  /** The class's probability on the image, where known (COCO keeps it). */
  score?: number;
}

export interface LabeledImage {
  /** The image's file name (its path under the folder, with / separators). */
  file: string;
  width: number;
  height: number;
  objects: LabeledObject[];
}

export interface LabelFile {
  path: string;
  text: string;
}

/** The name COCO's file gets (not annotations.json, which names the dev-set format in src/localize/folder-set.ts). */
export const COCO_FILE = 'labels.coco.json';

const stem = (file: string) => file.replace(/\.[^./\\]*$/, '');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Whole pixels, as VOC tools expect, kept inside the photo. */
const pixel = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));

/** Images with no object get no VOC file (a VOC annotation is a list of objects). */
export function vocFiles(images: readonly LabeledImage[]): LabelFile[] {
  return images
    .filter((im) => im.objects.length)
    .map((im) => {
      const objects = im.objects.map((o) => {
        const [x0, y0, x1, y1] = [pixel(o.box[0], im.width), pixel(o.box[1], im.height), pixel(o.box[2], im.width), pixel(o.box[3], im.height)];
        return [
          '  <object>',
          `    <name>${escapeXml(o.label)}</name>`,
          '    <pose>Unspecified</pose>',
          '    <truncated>0</truncated>',
          '    <difficult>0</difficult>',
          `    <bndbox><xmin>${x0}</xmin><ymin>${y0}</ymin><xmax>${x1}</xmax><ymax>${y1}</ymax></bndbox>`,
          '  </object>',
        ].join('\n');
      });
      const text = [
        '<annotation>',
        `  <filename>${escapeXml(im.file.split('/').pop()!)}</filename>`,
        `  <size><width>${im.width}</width><height>${im.height}</height><depth>3</depth></size>`,
        ...objects,
        '</annotation>',
        '',
      ].join('\n');
      return { path: `${stem(im.file)}.xml`, text };
    });
}

/** The category list: every label in order of first appearance, or the given order. */
function categories(images: readonly LabeledImage[], classes?: readonly string[]): string[] {
  const seen = [...(classes ?? [])];
  for (const im of images) for (const o of im.objects) if (!seen.includes(o.label)) seen.push(o.label);
  return seen;
}

export function cocoFile(images: readonly LabeledImage[], classes?: readonly string[]): LabelFile {
  const names = categories(images, classes);
  let id = 0;
  const json = {
    images: images.map((im, i) => ({ id: i + 1, file_name: im.file, width: im.width, height: im.height })),
    annotations: images.flatMap((im, i) =>
      im.objects.map((o) => {
        const [x0, y0, x1, y1] = o.box;
        const bbox = [x0, y0, x1 - x0, y1 - y0].map((v) => Math.round(v * 100) / 100);
        return {
          id: ++id,
          image_id: i + 1,
          category_id: names.indexOf(o.label) + 1,
          bbox,
          area: Math.round(bbox[2] * bbox[3] * 100) / 100,
          iscrowd: 0,
          ...(o.score !== undefined ? { score: o.score } : {}),
        };
      }),
    ),
    categories: names.map((name, i) => ({ id: i + 1, name, supercategory: 'object' })),
  };
  return { path: COCO_FILE, text: `${JSON.stringify(json, null, 1)}\n` };
}

/** One .txt per image (empty for an image with no object: YOLO's background image) and classes.txt. */
export function yoloFiles(images: readonly LabeledImage[], classes?: readonly string[]): LabelFile[] {
  const names = categories(images, classes);
  const f = (v: number) => v.toFixed(6);
  return [
    ...images.map((im) => ({
      path: `${stem(im.file)}.txt`,
      text: im.objects
        .map((o) => {
          const [x0, y0, x1, y1] = o.box;
          return `${names.indexOf(o.label)} ${f((x0 + x1) / 2 / im.width)} ${f((y0 + y1) / 2 / im.height)} ${f((x1 - x0) / im.width)} ${f((y1 - y0) / im.height)}\n`;
        })
        .join(''),
    })),
    { path: 'classes.txt', text: names.map((n) => `${n}\n`).join('') },
  ];
}

export function labelFiles(format: LabelFormat, images: readonly LabeledImage[], classes?: readonly string[]): LabelFile[] {
  if (format === 'voc') return vocFiles(images);
  if (format === 'coco') return [cocoFile(images, classes)];
  return yoloFiles(images, classes);
}
