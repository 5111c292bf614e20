// Webcam mode without React: opening and releasing a camera, reading its frames, and the loop that
// analyses them back to back. A frame is read only when the previous analysis has finished, so the
// frames that arrive meanwhile are dropped, never queued: latency stays one analysis, whatever the
// backend's speed.
import type { RGBAImage } from '../image/geometry';

export class CameraError extends Error {
  override name = 'CameraError';
}

/** getUserMedia's failures, in words a user can act on. */
export function cameraErrorMessage(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return "Camera permission was refused. Allow the camera for this page in the browser's site settings, then try again.";
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect one and try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: another application may be using it.';
    default:
      return `The camera could not be started: ${(e as Error | null)?.message || String(e)}`;
  }
}

type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia'>;

/** A video stream from the (back, where there is one) camera, or a CameraError saying why not. */
export async function openCamera(devices: MediaDevicesLike | undefined = globalThis.navigator?.mediaDevices): Promise<MediaStream> {
  if (!devices?.getUserMedia) throw new CameraError('This browser gives this page no camera (it needs a secure page: https or localhost).');
  try {
    return await devices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'environment' }, audio: false });
  } catch (e) {
    throw new CameraError(cameraErrorMessage(e));
  }
}

/** Releases the camera (its light goes off). */
export function stopCamera(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** A still of the video: what a paused camera hands to the normal photo view. */
export interface StillFrame {
  bitmap: ImageBitmap;
  pixels: ImageData;
  width: number;
  height: number;
}

/** Reads the video's current frame, downscaled so its longer side is at most `maxSide`. */
export class VideoFrames {
  private canvas: OffscreenCanvas | null = null;
  private lastTime = -1;

  constructor(
    private video: HTMLVideoElement,
    private maxSide = 640,
  ) {}

  /** The frame now shown, or null when there is none yet or it was read already. */
  grab(): RGBAImage | null {
    const v = this.video;
    if (v.readyState < 2 || !v.videoWidth || v.currentTime === this.lastTime) return null;
    this.lastTime = v.currentTime;
    const s = Math.min(1, this.maxSide / Math.max(v.videoWidth, v.videoHeight));
    const w = Math.round(v.videoWidth * s),
      h = Math.round(v.videoHeight * s);
    if (!this.canvas || this.canvas.width !== w || this.canvas.height !== h) this.canvas = new OffscreenCanvas(w, h);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(v, 0, 0, w, h);
    const { data } = ctx.getImageData(0, 0, w, h);
    return { width: w, height: h, data };
  }

  /** Resolves when the video may have a new frame. */
  nextFrame(): Promise<void> {
    const v = this.video as HTMLVideoElement & { requestVideoFrameCallback?(cb: () => void): number };
    return new Promise((resolve) => (v.requestVideoFrameCallback ? v.requestVideoFrameCallback(() => resolve()) : setTimeout(resolve, 15)));
  }
}

/** A frame's pixels as a still photo. */
export async function stillOf(frame: RGBAImage): Promise<StillFrame> {
  const pixels = new ImageData(Uint8ClampedArray.from(frame.data), frame.width, frame.height);
  return { bitmap: await createImageBitmap(pixels), pixels, width: frame.width, height: frame.height };
}

export interface LoopStats {
  /** Analysed frames per second over the last few frames. */
  fps: number;
  /** Frame read to result, ms, for the last frame. */
  latencyMs: number;
  frames: number;
}

export interface FrameSource {
  grab(): RGBAImage | null;
  nextFrame(): Promise<void>;
}

export interface LoopHandlers<R> {
  analyse(frame: RGBAImage): Promise<R>;
  onResult(result: R, frame: RGBAImage, stats: LoopStats): void;
  /** The loop stopped on a failed analysis. */
  onError(message: string): void;
}

const FPS_WINDOW = 10;

/** Analyses frames one at a time until stopped; `last` is the latest analysed frame and its result. */
export class FrameLoop<R> {
  last: { frame: RGBAImage; result: R } | null = null;
  private running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private source: FrameSource,
    private handlers: LoopHandlers<R>,
    private now: () => number = () => performance.now(),
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Stops reading frames; resolves once the analysis in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async run(): Promise<void> {
    const ends: number[] = [];
    let frames = 0;
    while (this.running) {
      const frame = this.source.grab();
      if (!frame) {
        await this.source.nextFrame();
        continue;
      }
      const start = this.now();
      let result: R;
      try {
        result = await this.handlers.analyse(frame);
      } catch (e) {
        this.running = false;
        this.handlers.onError((e as Error).message || String(e));
        return;
      }
      const end = this.now();
      this.last = { frame, result };
      if (!this.running) return;
      ends.push(end);
      if (ends.length > FPS_WINDOW) ends.shift();
      frames++;
      const fps = ends.length > 1 ? ((ends.length - 1) * 1000) / (end - ends[0]) : 1000 / Math.max(1, end - start);
      this.handlers.onResult(result, frame, { fps, latencyMs: end - start, frames });
    }
  }
}
