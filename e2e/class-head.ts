// A head file whose head is one ImageNet class's own classifier column. Taught on nothing, it must
// give that class's map exactly, on any backend: the taught-class path checked against the
// classifier's own, where no photo of the user's is at hand (the WebGPU test, too slow to teach).
import * as tf from '@tensorflow/tfjs';
import { modelDir } from '../src/cli/models';
import { backboneOf, serializeHead } from '../src/teach/head-file';
import { loadPackage } from '../src/weights/load-package';
import { folderSource } from '../src/weights/node-package';

export async function classHeadFile(model: string, classIndex: number, name: string): Promise<string> {
  await tf.setBackend('cpu');
  const pkg = await loadPackage(folderSource(modelDir(model)));
  try {
    const kernel = pkg.weights.get('fc.kernel')!;
    const [, , features, classes] = kernel.shape as number[];
    const k = (await kernel.data()) as Float32Array;
    const bias = (await pkg.weights.get('fc.bias')!.data()) as Float32Array;
    return serializeHead({
      name,
      backbone: await backboneOf(pkg.manifest),
      inputSize: 224,
      features,
      weights: Float32Array.from({ length: features }, (_, f) => k[f * classes + classIndex]),
      bias: bias[classIndex],
      // The format counts the photos a head was taught from (at least one); this one stands for one class.
      examples: { positives: 1, negatives: 0 },
      createdAt: '2026-12-03T00:00:00.000Z',
    });
  } finally {
    for (const t of pkg.weights.values()) t.dispose();
  }
}
