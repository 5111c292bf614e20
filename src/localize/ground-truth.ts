// Ground-truth boxes from the formats people have them in: ImageNet's Pascal VOC XML, a JSON list,
// or "x0,y0,x1,y1" typed on a command line. Pure and DOM-free, so the page and the CLI parse alike;
// every failure is a GroundTruthError whose message names the file and what is wrong.
import type { Box } from './boxes';

export class GroundTruthError extends Error {}

export interface GroundTruth {
  /** [xmin, ymin, xmax, ymax] in photo pixels. */
  boxes: Box[];
  /** The photo size the file says it was made for (VOC's <size>), when it says one. */
  size: { width: number; height: number } | null;
  /** Each box's class name, where the format names them (VOC's <object><name>, COCO, YOLO with classes.txt). */
  labels?: string[];
}

const fail = (source: string, what: string): never => {
  throw new GroundTruthError(`${source}: ${what}`);
};

function finite(source: string, what: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(source, `${what} is not a number (${JSON.stringify(v)?.slice(0, 40)})`);
  return n as number;
}

function box(source: string, what: string, values: unknown[]): Box {
  if (values.length !== 4) fail(source, `${what} needs 4 numbers x0,y0,x1,y1, got ${values.length}`);
  const b = values.map((v, i) => finite(source, `${what}, ${['x0', 'y0', 'x1', 'y1'][i]}`, v)) as Box;
  if (b[2] <= b[0] || b[3] <= b[1]) fail(source, `${what} [${b.join(', ')}] is empty (x1 must exceed x0 and y1 exceed y0)`);
  return b;
}

/** "x0,y0,x1,y1" (the CLI's --gt). */
export function parseBoxArg(text: string, source = '--gt'): Box {
  return box(source, `box "${text}"`, text.split(','));
}

/** The text between <tag> and </tag> at the first level found, or null. */
function element(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1] : null;
}

function elements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
}

/** Pascal VOC XML as ImageNet ships it: <annotation><size>...</size><object><bndbox>... */
export function parseVocXml(text: string, source: string): GroundTruth {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  const root = element(xml, 'annotation');
  if (root === null) fail(source, 'not a Pascal VOC annotation (no <annotation> element)');
  const sizeXml = element(root!, 'size');
  const size =
    sizeXml === null
      ? null
      : {
          width: finite(source, '<size><width>', element(sizeXml, 'width')),
          height: finite(source, '<size><height>', element(sizeXml, 'height')),
        };
  const objects = elements(root!, 'object');
  const boxes = objects.map((obj, i) => {
    const b = element(obj, 'bndbox');
    if (b === null) fail(source, `<object> ${i + 1} has no <bndbox>`);
    return box(
      source,
      `<object> ${i + 1}`,
      ['xmin', 'ymin', 'xmax', 'ymax'].map((t) => element(b!, t)),
    );
  });
  if (boxes.length === 0) fail(source, 'the annotation has no <object> with a <bndbox>');
  // Names are XML text: the writers escape &, < and >.
  const labels = objects.map((obj) => unescapeXml((element(obj, 'name') ?? '').trim()));
  return { boxes, size, labels };
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * YOLO's text format: one line per box, "class cx cy w h" with the centre and size as shares of the
 * photo's width and height, class a 0-based line of classes.txt. An empty file: no boxes.
 */
export function parseYoloTxt(text: string, classes: readonly string[], width: number, height: number, source: string): GroundTruth {
  const boxes: Box[] = [];
  const labels: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 5) fail(source, `line ${i + 1} needs "class cx cy w h", got ${parts.length} fields`);
    const c = Number(parts[0]);
    if (!Number.isInteger(c) || c < 0 || c >= classes.length)
      fail(source, `line ${i + 1}: class ${parts[0]} is not a line of classes.txt (0-${classes.length - 1})`);
    const [cx, cy, w, h] = parts.slice(1).map((v, k) => finite(source, `line ${i + 1}, ${['cx', 'cy', 'w', 'h'][k]}`, v));
    boxes.push(box(source, `line ${i + 1}`, [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height]));
    labels.push(classes[c]);
  });
  return { boxes, size: { width, height }, labels };
}

/** COCO's object-detection JSON: every image's boxes (bbox [x, y, w, h]) with their category names, by file name. */
export function parseCocoJson(text: string, source: string): Map<string, GroundTruth> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(source, `not valid JSON (${(e as Error).message})`);
  }
  const d = (data ?? {}) as { images?: unknown; annotations?: unknown; categories?: unknown };
  if (!Array.isArray(d.images) || !Array.isArray(d.annotations) || !Array.isArray(d.categories)) {
    fail(source, 'not COCO JSON (expected "images", "annotations" and "categories" lists)');
  }
  const names = new Map<unknown, string>();
  for (const c of d.categories as { id?: unknown; name?: unknown }[]) {
    if (typeof c?.name !== 'string') fail(source, `category ${JSON.stringify(c?.id)} has no name`);
    names.set(c.id, c.name as string);
  }
  const byId = new Map<unknown, { file: string; gt: GroundTruth }>();
  const out = new Map<string, GroundTruth>();
  for (const im of d.images as { id?: unknown; file_name?: unknown; width?: unknown; height?: unknown }[]) {
    if (typeof im?.file_name !== 'string') fail(source, `image ${JSON.stringify(im?.id)} has no "file_name"`);
    const gt: GroundTruth = {
      boxes: [],
      size: { width: finite(source, `image ${im.file_name} width`, im.width), height: finite(source, `image ${im.file_name} height`, im.height) },
      labels: [],
    };
    byId.set(im.id, { file: im.file_name as string, gt });
    out.set(im.file_name as string, gt);
  }
  (d.annotations as { image_id?: unknown; category_id?: unknown; bbox?: unknown }[]).forEach((a, i) => {
    const im = byId.get(a?.image_id);
    if (!im) return fail(source, `annotation ${i + 1} is for image ${JSON.stringify(a?.image_id)}, which is not listed`);
    const name = names.get(a.category_id);
    if (name === undefined) return fail(source, `annotation ${i + 1} has category ${JSON.stringify(a.category_id)}, which is not listed`);
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4) return fail(source, `annotation ${i + 1}: "bbox" must be [x, y, width, height]`);
    const [x, y, w, h] = a.bbox.map((v: unknown, k: number) => finite(source, `annotation ${i + 1} bbox[${k}]`, v));
    im.gt.boxes.push(box(source, `annotation ${i + 1}`, [x, y, x + w, y + h]));
    im.gt.labels!.push(name);
  });
  return out;
}

/** `{"boxes": [[x0, y0, x1, y1], ...]}` in photo pixels. */
export function parseBoxesJson(text: string, source: string): GroundTruth {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(source, `not valid JSON (${(e as Error).message})`);
  }
  const list = (data as { boxes?: unknown } | null)?.boxes;
  if (!Array.isArray(list)) fail(source, 'expected {"boxes": [[x0, y0, x1, y1], ...]}');
  const boxes = (list as unknown[]).map((b, i) =>
    Array.isArray(b) ? box(source, `box ${i + 1}`, b) : fail(source, `box ${i + 1} is not a list of 4 numbers`),
  );
  if (boxes.length === 0) fail(source, 'the "boxes" list is empty');
  return { boxes, size: null };
}

/** Either format, told apart by content rather than by the file's name. */
export function parseGroundTruth(text: string, source: string): GroundTruth {
  const head = text.trimStart();
  if (head.startsWith('<')) return parseVocXml(text, source);
  if (head.startsWith('{')) return parseBoxesJson(text, source);
  return fail(source, 'neither Pascal VOC XML nor JSON {"boxes": [...]}');
}

/**
 * Checks ground truth against the photo it is meant for. A VOC file made for another size, or a box
 * reaching past the photo, is refused: silently scaling or clipping it would make the IoU a lie.
 */
export function checkGroundTruth(gt: GroundTruth, width: number, height: number, source: string): Box[] {
  if (gt.size && (gt.size.width !== width || gt.size.height !== height)) {
    fail(source, `the annotation is for a ${gt.size.width}x${gt.size.height} image, this photo is ${width}x${height}`);
  }
  gt.boxes.forEach((b, i) => {
    if (b[0] < 0 || b[1] < 0 || b[2] > width || b[3] > height) {
      fail(source, `box ${i + 1} [${b.join(', ')}] lies outside the ${width}x${height} photo`);
    }
  });
  return gt.boxes;
}
