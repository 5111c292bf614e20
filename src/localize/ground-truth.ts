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
  const boxes = elements(root!, 'object').map((obj, i) => {
    const b = element(obj, 'bndbox');
    if (b === null) fail(source, `<object> ${i + 1} has no <bndbox>`);
    return box(
      source,
      `<object> ${i + 1}`,
      ['xmin', 'ymin', 'xmax', 'ymax'].map((t) => element(b!, t)),
    );
  });
  if (boxes.length === 0) fail(source, 'the annotation has no <object> with a <bndbox>');
  return { boxes, size };
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
