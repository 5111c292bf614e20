// The page's thin canvas layer over the shared renderer (src/draw/scene.ts): it paints the photo
// bitmap, then lets drawScene paint maps, contours, boxes, labels and (for exports) the legend.
import { drawScene, legendHeight, type Scene } from '../draw/scene';

/** Intrinsic canvas size: the photo's, capped so that redrawing on every slider move stays quick. */
export function renderSize(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** Labels on the page's photo show at this CSS size whatever the photo's displayed width (issue 20). */
export const LABEL_CSS_PX = 13;

/** Label height in canvas pixels that shows as LABEL_CSS_PX on a canvas `canvasWidth` wide drawn `cssWidth` CSS px wide. */
export function labelFontFor(canvasWidth: number, cssWidth: number): number {
  return cssWidth > 0 ? (LABEL_CSS_PX * canvasWidth) / cssWidth : LABEL_CSS_PX;
}

/**
 * The photo as last drawn on each canvas, read back once: the viewer redraws on every slider move,
 * and scaling the bitmap down and reading the canvas back each time cost more than the rest of a
 * frame with a thousand classes shown (issue 20). Up to KEEP_MAX_PIXELS (not full-size exports).
 */
interface DrawnPhoto {
  bitmap: ImageBitmap;
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
  /** Reused for each frame: the photo's pixels are copied into it, the scene painted over them. */
  frame: ImageData;
}
const drawnPhotos = new WeakMap<HTMLCanvasElement | OffscreenCanvas, DrawnPhoto>();
const KEEP_MAX_PIXELS = 2_000_000;

export function renderPhoto(
  canvas: HTMLCanvasElement | OffscreenCanvas,
  bitmap: ImageBitmap,
  photo: { width: number; height: number },
  scene: Scene | null,
  maxSide: number,
  opts: { legend?: boolean; labelFont?: number } = {},
): { labelFont: number } | null {
  const { width, height, scale } = renderSize(photo.width, photo.height, maxSide);
  const total = height + (opts.legend && scene ? legendHeight(scene, width, height) : 0);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== total) canvas.height = total;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return null;
  const kept = drawnPhotos.get(canvas);
  let image: ImageData;
  if (scene && kept && kept.bitmap === bitmap && kept.width === width && kept.height === height) {
    // drawScene puts every pixel of the photo's area, so the kept photo need not be drawn first.
    kept.frame.data.set(kept.pixels);
    image = kept.frame;
  } else {
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    if (!scene) return null;
    image = ctx.getImageData(0, 0, width, height);
    if (width * height <= KEEP_MAX_PIXELS) drawnPhotos.set(canvas, { bitmap, width, height, pixels: image.data.slice(), frame: image });
  }
  return drawScene(ctx, scene, width, height, scale, { legend: opts.legend, labelFont: opts.labelFont, image });
}
