import { describe, expect, it } from 'vitest';
import { CameraRun } from './camera-run';
import { testPage, noStorage } from './fake-client.testkit';
import { ModelLoader } from './model-loader';

describe('camera', () => {
  it('analyses a frame, then shows it with its result in one go; the frame keeps its pixels', async () => {
    const t = testPage();
    const storage = noStorage();
    const loader = new ModelLoader(t.page, storage, async () => {}, 'https://lens.test/');
    await loader.start();
    const camera = new CameraRun(t.page, loader, async (f) => ({
      bitmap: { close() {} } as ImageBitmap,
      pixels: f as ImageData,
      width: f.width,
      height: f.height,
    }));
    const frame = { width: 4, height: 2, data: new Uint8ClampedArray(32).fill(9) };
    await camera.analyseFrame(frame);
    await camera.analyseFrame(frame);
    const s = t.state();
    expect(s.photo).toMatchObject({ name: 'camera', fromCamera: true, width: 4, height: 2 });
    expect(s.results[s.modelKey].photoId).toBe(s.photo!.id);
    expect(t.client.of('infer').at(-1)).toMatchObject({ topK: 5, extraClasses: [], size: 224, flip: false, image: { width: 4, height: 2 } });
    expect(frame.data.byteLength).toBe(32);
    expect(s.memory?.numTensors).toBe(7);
  });
});
