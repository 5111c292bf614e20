import { describe, expect, it } from 'vitest';
import type { RGBAImage } from '../image/geometry';
import { CameraError, FrameLoop, cameraErrorMessage, openCamera, type FrameSource, type LoopStats } from './camera';

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A camera delivering a new frame every `period` ms; each frame's first byte is its number. */
function fakeCamera(period: number): FrameSource & { produced(): number } {
  const t0 = Date.now();
  let lastRead = -1;
  const current = () => Math.floor((Date.now() - t0) / period);
  return {
    produced: () => current() + 1,
    grab(): RGBAImage | null {
      const n = current();
      if (n === lastRead) return null;
      lastRead = n;
      return { width: 1, height: 1, data: new Uint8Array([n % 256, 0, 0, 255]) };
    },
    nextFrame: () => tick(period / 4),
  };
}

describe('FrameLoop', () => {
  it('analyses one frame at a time and drops the frames that arrive meanwhile', async () => {
    const camera = fakeCamera(5);
    let inFlight = 0,
      maxInFlight = 0;
    const analysed: number[] = [];
    const stats: LoopStats[] = [];
    const loop = new FrameLoop(camera, {
      analyse: async (f) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await tick(30); // slower than the camera: ~6 frames arrive per analysis
        inFlight--;
        return f.data[0];
      },
      onResult: (r, _f, s) => {
        analysed.push(r);
        stats.push(s);
      },
      onError: (m) => {
        throw new Error(m);
      },
    });
    loop.start();
    await tick(400);
    await loop.stop();
    const count = analysed.length;
    await tick(60);
    expect(analysed.length).toBe(count); // nothing after stop
    expect(maxInFlight).toBe(1);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(camera.produced()).toBeGreaterThan(2 * count); // most frames were dropped...
    for (let i = 1; i < analysed.length; i++) expect(analysed[i]).toBeGreaterThan(analysed[i - 1]); // ...and none queued or repeated
    const last = stats[stats.length - 1];
    expect(last.frames).toBe(count);
    expect(last.latencyMs).toBeGreaterThanOrEqual(25);
    expect(last.fps).toBeGreaterThan(5);
    expect(last.fps).toBeLessThan(40);
    // The analysis in flight at stop still lands in `last` (what a pause freezes), never in onResult.
    expect(loop.last!.result).toBeGreaterThanOrEqual(analysed[count - 1]);
  });

  it('stops and says why when an analysis fails', async () => {
    const errors: string[] = [];
    let calls = 0;
    const loop = new FrameLoop(fakeCamera(2), {
      analyse: async () => {
        if (++calls === 3) throw new Error('the model was unloaded');
        return calls;
      },
      onResult: () => {},
      onError: (m) => errors.push(m),
    });
    loop.start();
    await tick(100);
    expect(errors).toEqual(['the model was unloaded']);
    expect(loop.active).toBe(false);
    expect(calls).toBe(3);
  });
});

describe('opening a camera', () => {
  it('names a refused permission, a missing camera and a page without camera access', async () => {
    const refuse = (name: string) => ({ getUserMedia: () => Promise.reject(Object.assign(new Error('x'), { name })) });
    await expect(openCamera(refuse('NotAllowedError'))).rejects.toThrow('Camera permission was refused');
    await expect(openCamera(refuse('NotFoundError'))).rejects.toThrow('No camera was found');
    await expect(openCamera(undefined)).rejects.toThrow(CameraError);
    await expect(openCamera(undefined)).rejects.toThrow('it needs a secure page');
    expect(cameraErrorMessage(new Error('odd'))).toBe('The camera could not be started: odd');
  });
});
