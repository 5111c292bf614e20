// Several objects of one class: one box per separate region of the map above the threshold, where
// the single-box rules give one box (the cam rule: around the largest region; the paper's rule:
// around them all). The regions are the cells the chosen rule keeps (ruleMask), split into
// 8-connected components, each boxed and mapped to photo pixels as the single box is.
import type { InputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { mapOf } from '../models/class-maps';
import { components, gridBoxToImage, ruleMask, type Box, type GridBox, type RuleOptions } from './boxes';

export interface Instance {
  /** In photo pixels. */
  box: Box;
  grid: GridBox;
  /** Map cells in the region. */
  cells: number;
  /** The region's highest raw activation. */
  peak: number;
}

export interface InstanceOptions extends RuleOptions {
  /** Drop regions smaller than this share of the largest one (0-1; default 0: every region counts). */
  minShare?: number;
}

/** The regions of one class's map, largest first (ties: the higher peak first). */
export function instances(maps: ClassMaps, classIndex: number, t: InputTransform, opts: InstanceOptions): Instance[] {
  const plane = mapOf(maps, classIndex);
  const { labels, sizes } = components(ruleMask(maps, classIndex, opts), maps.width);
  const grids: GridBox[] = sizes.map(() => ({ x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity }));
  const peaks = sizes.map(() => -Infinity);
  labels.forEach((l, i) => {
    if (!l) return;
    const x = i % maps.width;
    const y = (i - x) / maps.width;
    const g = grids[l];
    g.x0 = Math.min(g.x0, x);
    g.x1 = Math.max(g.x1, x);
    g.y0 = Math.min(g.y0, y);
    g.y1 = Math.max(g.y1, y);
    peaks[l] = Math.max(peaks[l], plane[i]);
  });
  const found = sizes
    .map((cells, l) => ({ cells, grid: grids[l], peak: peaks[l], box: l ? gridBoxToImage(grids[l], maps.cellSize, t) : ([0, 0, 0, 0] as Box) }))
    .slice(1)
    .sort((a, b) => b.cells - a.cells || b.peak - a.peak);
  const least = (opts.minShare ?? 0) * (found[0]?.cells ?? 0);
  return found.filter((f) => f.cells >= least);
}

/** "3 x dog", or the name alone for one region. */
export function countLabel(name: string, count: number): string {
  return count > 1 ? `${count} x ${name}` : name;
}
