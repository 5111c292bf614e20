// The CLI's thin canvas layer over the shared renderer (src/draw/scene.ts), as src/app/render.ts is
// the page's: the photo goes into a Skia canvas (@napi-rs/canvas), drawScene paints the same maps,
// contours, boxes, labels and legend the page's PNG export has, and the canvas encodes the PNG.
import { createCanvas, type ImageData } from '@napi-rs/canvas';
import type { RGBAImage } from '../image/geometry';
import { drawScene, legendHeight, type Scene } from '../draw/scene';

/** `scale`: canvas pixels per photo pixel (below 1 for a photo analysed downscaled). */
export function overlayPng(photo: RGBAImage, scene: Scene, scale = 1): Buffer {
  const { width, height } = photo;
  const canvas = createCanvas(width, height + legendHeight(scene, width, height));
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  image.data.set(photo.data);
  ctx.putImageData(image, 0, 0);
  drawScene<ImageData>(ctx, scene, width, height, scale, { legend: true });
  return canvas.toBuffer('image/png');
}
