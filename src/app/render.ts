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
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  return scene ? drawScene(ctx, scene, width, height, scale, { legend: opts.legend, labelFont: opts.labelFont }) : null;
}
