// A fake webcam for Chromium (--use-file-for-fake-video-capture): a sample photo as a Y4M video
// (4:2:0, BT.601 full range, as Chromium's Y4M reader expects), written to a temporary file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../src/image/decode-node';

export function y4mOf(rgba: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }, frames: number): Buffer {
  const w = rgba.width & ~1,
    h = rgba.height & ~1;
  const y = Buffer.alloc(w * h),
    u = Buffer.alloc((w / 2) * (h / 2)),
    v = Buffer.alloc((w / 2) * (h / 2));
  const px = (x: number, yy: number) => {
    const p = 4 * (yy * rgba.width + x);
    return [rgba.data[p], rgba.data[p + 1], rgba.data[p + 2]];
  };
  for (let yy = 0; yy < h; yy++)
    for (let x = 0; x < w; x++) {
      const [r, g, b] = px(x, yy);
      y[yy * w + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
  for (let yy = 0; yy < h / 2; yy++)
    for (let x = 0; x < w / 2; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const [pr, pg, pb] = px(2 * x + dx, 2 * yy + dy);
        r += pr / 4;
        g += pg / 4;
        b += pb / 4;
      }
      u[yy * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
      v[yy * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
    }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]);
}

/** Path of a Y4M file showing the sample `name` (from public/samples). */
export function fakeCameraFile(name: string, frames = 10): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drn-lens-camera-')), `${name.replace(/\.[^.]*$/, '')}.y4m`);
  const bytes = readFileSync(new URL(`../public/samples/${name}`, import.meta.url));
  writeFileSync(file, y4mOf(decodeImage(new Uint8Array(bytes), name), frames));
  return file;
}

/** Chromium's flags for a fake camera showing `file` (from fakeCameraFile), permission granted. */
export const fakeCameraArgs = (file: string): string[] => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${file}`,
];
