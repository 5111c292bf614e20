// Draws a photo with its heatmaps (pure RGBA math from src/draw) and boxes and labels (canvas 2D).
import { colormapTable } from '../draw/colormap';
import { sampleMap } from '../draw/overlay';
import type { Inference } from '../models/class-maps';
import { mapOf } from '../models/class-maps';
import { blendHeat, evidence, type ShownClass } from './overlay-view';

export interface Scene {
  bitmap: ImageBitmap;
  /** The photo's own size (box coordinates are in it). */
  width: number;
  height: number;
  inference: Inference | null;
  shown: ShownClass[];
  opacity: number;
  rawGrid: boolean;
  boxes: boolean;
}

/** Intrinsic canvas size: the photo's, capped so that redrawing on every slider move stays quick. */
export function renderSize(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

export function drawScene(canvas: HTMLCanvasElement | OffscreenCanvas, scene: Scene, maxSide: number): void {
  const { width, height, scale } = renderSize(scene.width, scene.height, maxSide);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(scene.bitmap, 0, 0, width, height);
  const inf = scene.inference;
  if (!inf || scene.shown.length === 0) return;
  const img = ctx.getImageData(0, 0, width, height);
  const single = scene.shown.length === 1;
  for (const c of scene.shown) {
    const { heat } = evidence(mapOf(inf.maps, c.index));
    const field = sampleMap(heat, inf.maps, inf.transform, width, height, !scene.rawGrid);
    blendHeat(img, field, single ? colormapTable('turbo') : c.color, scene.opacity);
  }
  ctx.putImageData(img, 0, 0);
  if (!scene.boxes) return;
  const line = Math.max(2, Math.round(Math.min(width, height) / 160));
  const font = Math.max(12, Math.round(Math.min(width, height) / 28));
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const c of scene.shown) {
    if (!c.box) continue;
    const [x0, y0, x1, y1] = c.box.map((v) => v * scale);
    const css = `rgb(${c.color.join(',')})`;
    ctx.lineWidth = line;
    ctx.strokeStyle = 'rgba(0,0,0,0.6)';
    ctx.strokeRect(x0 + line / 2, y0 + line / 2, x1 - x0 - line, y1 - y0 - line);
    ctx.strokeStyle = css;
    ctx.strokeRect(x0 + line, y0 + line, x1 - x0 - 2 * line, y1 - y0 - 2 * line);
    const label = c.name;
    const tw = ctx.measureText(label).width + 8;
    const ty = y0 > font + 6 ? y0 - font - 6 : y0 + line;
    ctx.fillStyle = css;
    ctx.fillRect(x0, ty, Math.min(tw, width - x0), font + 6);
    ctx.fillStyle = '#111';
    ctx.fillText(label, x0 + 4, ty + 3);
  }
}
