// Colour lookup tables for heatmaps, built once from d3's perceptual colormaps (their
// interpolators return CSS strings, far too slow to call per pixel).
import { rgb } from 'd3-color';
import { interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';

export type Colormap = 'turbo' | 'viridis';

export type RGB = [number, number, number];

const cache = new Map<Colormap, Uint8Array>();

/** 256 RGB triples, index = round(value * 255). */
export function colormapTable(name: Colormap): Uint8Array {
  let lut = cache.get(name);
  if (!lut) {
    const f = name === 'turbo' ? interpolateTurbo : interpolateViridis;
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const c = rgb(f(i / 255));
      lut[3 * i] = c.r;
      lut[3 * i + 1] = c.g;
      lut[3 * i + 2] = c.b;
    }
    cache.set(name, lut);
  }
  return lut;
}

export function colormap(name: Colormap, value: number): RGB {
  const lut = colormapTable(name);
  const i = 3 * Math.round(255 * Math.min(1, Math.max(0, value)));
  return [lut[i], lut[i + 1], lut[i + 2]];
}

/** Distinct colours for classes shown together (the first five of Okabe-Ito, colour-blind safe). */
export const CLASS_COLORS: RGB[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [204, 121, 167],
];
