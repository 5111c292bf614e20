// How much of a class map is the checkerboard that dilation leaves (the DRN paper's "gridding"):
// a convolution dilated by d samples its input on a lattice of period d, so its artefacts repeat
// every 2 or 4 cells in DRN's 28x28 maps. Pure, so `locate --json`, the page and tests share it.

/**
 * The spectral measure, on the map with its mean removed and a plain 2D DFT (the map's sides
 * must be multiples of 4 so that periods 2 and 4 fall exactly on DFT bins):
 *
 * - a bin's frequency on each axis is min(k, n - k) / n cycles per cell, in [0, 1/2];
 * - "high" bins are those whose larger axis frequency exceeds 1/8 cycle per cell, i.e. whose
 *   pattern repeats in fewer than 8 cells along at least one axis. A smooth blob several cells
 *   wide has almost no energy there; the cut at 1/8 keeps it below both dilation periods, so a
 *   smooth map's decaying spectrum is not counted as gridding at 1/4;
 * - "dilation" bins are those with an axis frequency of exactly 1/4 or 1/2 (periods 4 and 2)
 *   on either axis: every dilation bin is a high bin.
 *
 * The score is dilation energy / high energy, in [0, 1]: 1 for a pure period-2 or period-4
 * pattern, ~0 for a smooth map. White noise scores the share of bins that are dilation bins
 * (159/735 = 0.216 on 28x28: whiteNoiseScore), and the jump between opposite edges of a
 * map (the DFT treats it as periodic) adds some energy at every frequency, ~0.1 for a blob
 * touching one edge; so scores well above ~0.2 mean a checkerboard. A map without high-frequency
 * energy (constant, or nearly: below 1e-12 of its total) scores 0.
 */
export interface Gridding {
  /** Dilation-bin energy / high-frequency energy, in [0, 1]. */
  score: number;
  /** High-frequency energy / all energy of the mean-removed map, in [0, 1] (how much there is to judge). */
  highShare: number;
}

/** The score of a map of independent random values, by bin counting (the measure's chance level). */
export function whiteNoiseScore(width: number, height: number): number {
  let dil = 0,
    high = 0;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      const fx = axisFrequency(u, width),
        fy = axisFrequency(v, height);
      if (isHigh(fx, fy)) high++;
      if (isDilation(fx) || isDilation(fy)) dil++;
    }
  return high ? dil / high : 0;
}

const axisFrequency = (k: number, n: number) => Math.min(k, n - k) / n;
const isDilation = (f: number) => f === 0.25 || f === 0.5;
const isHigh = (fx: number, fy: number) => Math.max(fx, fy) > 1 / 8;

/** Whether the measure is defined on a width x height map (periods 2 and 4 must be DFT bins). */
export function griddingDefined(width: number, height: number): boolean {
  return width >= 8 && height >= 8 && width % 4 === 0 && height % 4 === 0;
}

/**
 * The gridding of one row-major map, or null where it is not defined (a side not a multiple of 4,
 * e.g. ResNet-50's 7x7 maps, which no dilation made).
 */
export function gridding(map: ArrayLike<number>, width: number, height: number): Gridding | null {
  if (map.length !== width * height) throw new RangeError(`gridding: ${map.length} values for a ${width}x${height} map`);
  if (!griddingDefined(width, height)) return null;
  let mean = 0;
  for (let i = 0; i < map.length; i++) mean += map[i];
  mean /= map.length;
  // Separable DFT in float64: rows first (re/im per [y][u]), then columns; O(wh(w+h)).
  const rowRe = new Float64Array(width * height),
    rowIm = new Float64Array(width * height);
  const cosW = Float64Array.from({ length: width }, (_, k) => Math.cos((2 * Math.PI * k) / width));
  const sinW = Float64Array.from({ length: width }, (_, k) => Math.sin((2 * Math.PI * k) / width));
  for (let y = 0; y < height; y++)
    for (let u = 0; u < width; u++) {
      let re = 0,
        im = 0;
      for (let x = 0; x < width; x++) {
        const v = map[y * width + x] - mean,
          k = (u * x) % width;
        re += v * cosW[k];
        im -= v * sinW[k];
      }
      rowRe[y * width + u] = re;
      rowIm[y * width + u] = im;
    }
  const cosH = Float64Array.from({ length: height }, (_, k) => Math.cos((2 * Math.PI * k) / height));
  const sinH = Float64Array.from({ length: height }, (_, k) => Math.sin((2 * Math.PI * k) / height));
  let total = 0,
    high = 0,
    dil = 0;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      let re = 0,
        im = 0;
      for (let y = 0; y < height; y++) {
        const k = (v * y) % height,
          a = rowRe[y * width + u],
          b = rowIm[y * width + u];
        // (a + ib) * (cos - i sin)
        re += a * cosH[k] + b * sinH[k];
        im += b * cosH[k] - a * sinH[k];
      }
      const power = re * re + im * im;
      total += power;
      const fx = axisFrequency(u, width),
        fy = axisFrequency(v, height);
      if (!isHigh(fx, fy)) continue;
      high += power;
      if (isDilation(fx) || isDilation(fy)) dil += power;
    }
  if (!(high > 1e-12 * total) || !(total > 0)) return { score: 0, highShare: 0 };
  return { score: Math.min(1, dil / high), highShare: high / total };
}
