// The one place an infer request is built, for the viewer's photo, a camera frame and a folder's
// image alike: the pixels are copied and the copy moved to the worker, so the caller keeps its own.
import type { RGBAImage } from '../../image/geometry';
import type { Calls } from '../worker/protocol';

/** Top classes asked for on the viewer's photo and the camera's frames. */
export const TOP_K = 5;

export interface InferRequest {
  args: Calls['infer']['args'];
  transfer: Transferable[];
}

export function inferRequest(
  key: string,
  pixels: RGBAImage,
  input: { size: number; flip: boolean },
  { topK = TOP_K, extraClasses = [], keep }: { topK?: number; extraClasses?: number[]; keep?: boolean } = {},
): InferRequest {
  const data = new Uint8ClampedArray(pixels.data);
  const args: Calls['infer']['args'] = {
    key,
    image: { width: pixels.width, height: pixels.height, data },
    topK,
    extraClasses,
    size: input.size,
    flip: input.flip,
  };
  if (keep !== undefined) args.keep = keep;
  return { args, transfer: [data.buffer] };
}
