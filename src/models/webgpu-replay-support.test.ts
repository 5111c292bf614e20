// The replay's guard, without a GPU: it reads tfjs 4.22's private WebGPU fields, so it must refuse
// (and the run go op by op through tfjs) on any other tfjs or on a backend without those fields.
// The accepted path is the Dawn suite in webgpu-replay.test.ts, which also checks the guard there.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { capture, REPLAY_TFJS_VERSION, replayUnsupported, type ReplayArena } from './webgpu-replay';

const fields = () => ({
  device: {},
  queue: {},
  tensorMap: { get: () => undefined },
  uploadToGPU: () => {},
  recordAndSubmit: () => {},
});

describe('replayUnsupported', () => {
  it('accepts the pinned tfjs with every field the capture reads', () => {
    expect(REPLAY_TFJS_VERSION).toBe(tf.version['tfjs-core']);
    expect(replayUnsupported(fields(), REPLAY_TFJS_VERSION)).toBeNull();
  });

  it('names another tfjs version, a missing field and a missing backend', () => {
    expect(replayUnsupported(fields(), '4.23.0')).toBe("the replay reads tfjs 4.22.0's WebGPU internals, and this is tfjs 4.23.0");
    const { recordAndSubmit: _gone, ...rest } = fields();
    expect(replayUnsupported({ ...rest, uploadToGPU: 1 }, REPLAY_TFJS_VERSION)).toBe(
      "tfjs's WebGPU backend lacks what the replay reads (uploadToGPU: function, recordAndSubmit: function)",
    );
    expect(replayUnsupported({ ...fields(), tensorMap: {} }, REPLAY_TFJS_VERSION)).toMatch(/tensorMap\.get/);
    expect(replayUnsupported(null, REPLAY_TFJS_VERSION)).toBe('no WebGPU backend');
  });

  it('makes capture run the computation op by op, with no graph and the reason', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor1d([1, 2, 3]);
    const { recordAndSubmit: _gone, ...backend } = fields();
    const c = capture(backend as never, null as unknown as ReplayArena, [x], [], () => [tf.mul(x, 2)]);
    expect(c.graph).toBeNull();
    expect(c.refused).toMatch(/recordAndSubmit: function/);
    expect(Array.from(await c.outputs[0].data())).toEqual([2, 4, 6]);
    tf.dispose([x, ...c.outputs]);
  });
});
