// A dropped folder (or many picked files) -> the images to evaluate with their ground truth, and
// every problem with the input counted and named instead of stopping the run: an image without
// ground truth, ground truth for an image that is not there, an entry that cannot be read.
// Formats: the shared dev set's annotations.json, ImageNet's per-image VOC XML files with a synset
// list (synsets.txt / LOC_synset_mapping.txt: one wnid per line, in class-index order), or images
// named by class (in the file name or its folder: "tabby_01.jpg", "espresso/3.png", "n02123045_7.JPEG"
// with a synset list), which have no boxes and so give Top-1 Cls only.
import type { Box } from './boxes';
import { parseVocXml } from './ground-truth';

export interface FolderItem {
  /** The image's path as given (a folder drop's relative path). */
  path: string;
  classIndex: number;
  boxes: Box[];
  /** The size the annotation was made for, when it says. */
  size: { width: number; height: number } | null;
}

export interface FolderProblem {
  path: string;
  problem: string;
}

export interface FolderSet {
  format: 'annotations.json' | 'voc-xml' | 'class-names' | 'none';
  items: FolderItem[];
  problems: FolderProblem[];
}

const IMAGE = /\.(jpe?g|png|webp|gif|bmp)$/i;
const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
const stem = (p: string) => base(p).replace(/\.[^.]*$/, '');

/** Files whose text the matcher needs (the caller reads only these). */
export const isAnnotationFile = (path: string): boolean =>
  /(^|[\\/])(annotations\.json|synsets\.txt|LOC_synset_mapping\.txt)$/i.test(path) || /\.xml$/i.test(path);

const isBox = (b: unknown): b is Box =>
  Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)) && b[2] > b[0] && b[3] > b[1];

function fromAnnotationsJson(images: string[], file: string, text: string): FolderSet {
  const problems: FolderProblem[] = [];
  let list: unknown;
  try {
    list = (JSON.parse(text) as { images?: unknown } | null)?.images;
  } catch (e) {
    return { format: 'annotations.json', items: [], problems: [{ path: file, problem: `not valid JSON (${(e as Error).message})` }] };
  }
  if (!Array.isArray(list)) return { format: 'annotations.json', items: [], problems: [{ path: file, problem: 'no "images" list' }] };
  const byName = new Map(images.map((p) => [base(p), p]));
  const used = new Set<string>();
  const items: FolderItem[] = [];
  list.forEach((raw: unknown, i) => {
    const im = (raw ?? {}) as Record<string, unknown>;
    const name = typeof im.file === 'string' ? im.file : '';
    const where = `${file}: images[${i}]${name ? ` (${name})` : ''}`;
    if (!name) return problems.push({ path: where, problem: '"file" missing' });
    if (!Number.isInteger(im.class_index) || (im.class_index as number) < 0)
      return problems.push({ path: where, problem: '"class_index" must be a non-negative integer' });
    if (!Array.isArray(im.boxes) || !im.boxes.length || !im.boxes.every(isBox))
      return problems.push({ path: where, problem: '"boxes" must be a non-empty list of [xmin, ymin, xmax, ymax]' });
    const path = byName.get(base(name));
    if (!path) return problems.push({ path: name, problem: 'ground truth for an image that is not among the files' });
    used.add(path);
    const size = Number.isInteger(im.width) && Number.isInteger(im.height) ? { width: im.width as number, height: im.height as number } : null;
    items.push({ path, classIndex: im.class_index as number, boxes: im.boxes as Box[], size });
  });
  for (const p of images) if (!used.has(p)) problems.push({ path: p, problem: 'no ground truth for this image' });
  return { format: 'annotations.json', items, problems };
}

function fromVoc(images: string[], texts: ReadonlyMap<string, string>): FolderSet {
  const problems: FolderProblem[] = [];
  const synsetFile = [...texts.keys()].find((p) => /(^|[\\/])(synsets\.txt|LOC_synset_mapping\.txt)$/i.test(p));
  const wnids = synsetFile
    ? texts
        .get(synsetFile)!
        .split(/\r?\n/)
        .map((l) => l.trim().split(/\s+/)[0])
        .filter(Boolean)
    : [];
  const xmls = new Map([...texts.keys()].filter((p) => /\.xml$/i.test(p)).map((p) => [stem(p), p]));
  const items: FolderItem[] = [];
  const used = new Set<string>();
  for (const path of images) {
    const xml = xmls.get(stem(path));
    if (!xml) {
      problems.push({ path, problem: 'no ground truth for this image' });
      continue;
    }
    used.add(xml);
    if (!synsetFile) {
      problems.push({ path: xml, problem: 'VOC XML needs the synset list (synsets.txt or LOC_synset_mapping.txt) to know the class index' });
      continue;
    }
    const text = texts.get(xml)!;
    try {
      const gt = parseVocXml(text, base(xml));
      const wnid = /<object>[\s\S]*?<name>\s*([^<\s]+)\s*<\/name>/.exec(text)?.[1];
      const classIndex = wnid ? wnids.indexOf(wnid) : -1;
      if (classIndex < 0) {
        problems.push({ path: xml, problem: wnid ? `class ${wnid} is not in ${base(synsetFile)}` : 'no <object><name>' });
        continue;
      }
      items.push({ path, classIndex, boxes: gt.boxes, size: gt.size });
    } catch (e) {
      problems.push({ path: xml, problem: (e as Error).message });
    }
  }
  for (const [, xml] of xmls) if (!used.has(xml)) problems.push({ path: xml, problem: 'ground truth for an image that is not among the files' });
  return { format: 'voc-xml', items, problems };
}

/** "Golden_retriever-03" -> "golden retriever": separators as spaces, a trailing number dropped. */
const phrase = (s: string) =>
  s
    .toLowerCase()
    .replace(/[_-]+/g, ' ')
    .replace(/[\s(]*\d+\)?$/, '')
    .trim();

/**
 * The class an image's name gives: its file name (without a trailing number) or its folder's name,
 * matched to a whole synonym of a class name ("tabby" in "tabby, tabby cat"), or a leading wnid
 * (n01440764) looked up in the synset list when there is one.
 */
export function classFromName(path: string, lookup: ReadonlyMap<string, number>): number | null {
  const parts = path.split(/[\\/]/);
  for (const candidate of [stem(path), parts.length > 1 ? parts[parts.length - 2] : '']) {
    if (!candidate) continue;
    const wnid = /^(n\d{8})/.exec(candidate)?.[1];
    const hit = lookup.get(wnid ?? phrase(candidate));
    if (hit !== undefined) return hit;
  }
  return null;
}

function fromClassNames(images: string[], names: readonly string[], texts: ReadonlyMap<string, string>): FolderSet | null {
  const lookup = new Map<string, number>();
  // A synonym two classes share ("crane", "maillot") names neither.
  const shared = new Set<string>();
  names.forEach((name, index) => {
    for (const syn of name
      .toLowerCase()
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (lookup.has(syn) && lookup.get(syn) !== index) shared.add(syn);
      else lookup.set(syn, index);
    }
  });
  for (const syn of shared) lookup.delete(syn);
  const synsetFile = [...texts.keys()].find((p) => /(^|[\\/])(synsets\.txt|LOC_synset_mapping\.txt)$/i.test(p));
  if (synsetFile) {
    texts
      .get(synsetFile)!
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/)[0])
      .filter(Boolean)
      .forEach((wnid, index) => lookup.set(wnid, index));
  }
  const items: FolderItem[] = [];
  const problems: FolderProblem[] = [];
  for (const path of images) {
    const classIndex = classFromName(path, lookup);
    if (classIndex === null) problems.push({ path, problem: 'no ground truth for this image (its name and folder name no class)' });
    else items.push({ path, classIndex, boxes: [], size: null });
  }
  return items.length ? { format: 'class-names', items, problems } : null;
}

/**
 * Matches images to ground truth by file name (annotations.json's "file", or the XML file's stem),
 * else by class names in the images' names when the model's class `names` are given.
 * `texts` holds the contents of the annotation files among `paths` (isAnnotationFile).
 */
export function folderSet(paths: readonly string[], texts: ReadonlyMap<string, string>, names: readonly string[] = []): FolderSet {
  const images = paths.filter((p) => IMAGE.test(p));
  const json = [...texts.keys()].find((p) => base(p).toLowerCase() === 'annotations.json');
  if (json) return fromAnnotationsJson(images, json, texts.get(json)!);
  if ([...texts.keys()].some((p) => /\.xml$/i.test(p))) return fromVoc(images, texts);
  const byName = images.length && names.length ? fromClassNames(images, names, texts) : null;
  if (byName) return byName;
  return {
    format: 'none',
    items: [],
    problems: images.length
      ? [
          {
            path: '(folder)',
            problem: 'no ground truth found: add annotations.json, or VOC XML files with synsets.txt, or name the images (or their folders) by class',
          },
        ]
      : [{ path: '(folder)', problem: 'no images' }],
  };
}
