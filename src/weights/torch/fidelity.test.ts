// End to end against the authors' code: checkpoints of fyu/drn's own drn.py models (basic blocks,
// plain convs and bottlenecks), written by fixtures/make_fixtures.py, go through readCheckpoint,
// importDrn, pack and loadPackage into a LensModel, whose logits and class maps must match what
// PyTorch computed with drn.py for the same 224x224 photo. DRN_TORCH_FIXTURES=<dir> runs the
// same checks on a folder the script wrote at full width (not committed: ~430 MB).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../cli/backend-node';
import { decodeImage } from '../../image/decode-node';
import { LensModel } from '../../models/lens-model';
import { mapOf } from '../../models/class-maps';
import { importDrn } from '../import-drn';
import { loadPackage } from '../load-package';
import { sha256Hex } from '../sha256';
import { memorySource, pack } from '../pack';
import { readCheckpoint } from './checkpoint';

const DIR = process.env.DRN_TORCH_FIXTURES ?? fileURLToPath(new URL('./fixtures', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

interface FixtureModel {
  arch: string;
  /** Channels divided by this (the bottleneck model is narrower than the rest). */
  width: number;
  files: { file: string; format: string; notes: string }[];
  expected: string;
  classes: number;
  mapSize: [number, number];
  mapClasses: number[];
}
const index = JSON.parse(new TextDecoder().decode(read('fixtures.json'))) as { width: number; image: string; models: FixtureModel[] };
const CLASSES = Array.from({ length: 1000 }, (_, i) => `class ${i}`);

beforeAll(async () => {
  // The cpu backend is exact and fast enough at 1/8 width; full width wants wasm.
  await initBackend(index.width === 1 ? 'wasm' : 'cpu');
});

/** Largest |a - b| over the largest |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let max = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    max = Math.max(max, Math.abs(b[i]));
  }
  return err / max;
}

describe(`PyTorch fidelity (width 1/${index.width}, ${DIR})`, () => {
  const image = decodeImage(read(index.image), index.image);

  for (const m of index.models) {
    const expected = new Float32Array(read(m.expected).slice().buffer);
    const [h, w] = m.mapSize;
    const logits = expected.subarray(0, m.classes);
    for (const f of m.files) {
      it(`${f.file} (${f.format}: ${f.notes}) gives PyTorch's logits and ${h}x${w} maps`, async () => {
        const bytes = read(f.file);
        const imported = importDrn(readCheckpoint(bytes, f.file), { file: f.file, sha256: await sha256Hex(bytes), classes: CLASSES });
        expect(imported.detection.base).toBe(m.arch);
        expect(imported.detection.width).toBe(m.width);
        const packed = await pack(imported.meta, imported.tensors);
        const model = new LensModel(await loadPackage(memorySource(packed)));
        try {
          const inf = await model.infer(image, { topK: 5, extraClasses: m.mapClasses });
          expect(inf.transform).toMatchObject({ inputSize: 224, scaleX: 1, offsetX: 0 });
          expect([inf.maps.height, inf.maps.width]).toEqual([h, w]);
          const logitError = relativeError(inf.logits, logits);
          const mapErrors = m.mapClasses.map((c, i) =>
            relativeError(mapOf(inf.maps, c), expected.subarray(m.classes + i * h * w, m.classes + (i + 1) * h * w)),
          );
          console.log(
            `${f.file}: max relative error ${logitError.toExponential(2)} (logits), ${Math.max(...mapErrors).toExponential(2)} (maps) on ${tf.getBackend()}`,
          );
          expect(logitError).toBeLessThan(1e-4);
          for (const e of mapErrors) expect(e).toBeLessThan(1e-4);
          expect(inf.top.map((p) => p.index)).toEqual(m.mapClasses.slice(0, 5));
        } finally {
          model.dispose();
        }
      });
    }
  }
});
