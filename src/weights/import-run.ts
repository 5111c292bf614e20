// The import worker's whole job as a plain async function, so Node tests run it without a Worker:
// checkpoint bytes -> importCheckpoint -> pack -> saveModel, reporting through `post`.
import { isArchName } from '../models/architectures';
import { saveModel } from './browser-store';
import { importCheckpoint } from './import-drn';
import type { ImportEvent, ImportSettings, ImportStage } from './import-messages';
import type { PackedModel } from './pack';
import { pack } from './pack';

/** Slices of the overall fraction, roughly by the time each stage takes on a large checkpoint. */
export const STAGE_RANGES: Record<ImportStage, [number, number]> = {
  reading: [0, 0.1],
  parsing: [0.1, 0.6],
  converting: [0.6, 0.75],
  packing: [0.75, 0.85],
  saving: [0.85, 1],
};

/** Far above the largest official checkpoint (drn_d_105, ~216 MB): refuses before allocating it. */
export const MAX_CHECKPOINT_BYTES = 2 ** 30;

const mb = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MB`;

/** Reads a Blob in chunks, so that a big file shows progress while it comes off the disk. */
export async function readBlob(blob: Blob, name: string, onFraction: (f: number) => void): Promise<Uint8Array> {
  if (blob.size > MAX_CHECKPOINT_BYTES) {
    throw new Error(`${name}: ${mb(blob.size)} is far larger than any DRN checkpoint (the largest is about 216 MB)`);
  }
  const out = new Uint8Array(blob.size);
  const reader = blob.stream().getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > out.length) throw new Error(`${name}: the file grew while it was read`);
    out.set(value, n);
    n += value.length;
    onFraction(out.length ? n / out.length : 1);
  }
  if (n !== out.length) throw new Error(`${name}: the file shrank while it was read (${n} of ${out.length} bytes)`);
  return out;
}

/** Posts progress as overall fractions, at most once per percent so a 400-tensor file does not flood the page. */
function reporter(post: (e: ImportEvent) => void): (stage: ImportStage, within: number) => void {
  let last = -1;
  let lastStage: ImportStage | undefined;
  return (stage, within) => {
    const [a, b] = STAGE_RANGES[stage];
    const fraction = Math.max(last, a + (b - a) * Math.min(1, Math.max(0, within)));
    if (stage === lastStage && fraction - last < 0.01 && within < 1) return;
    last = fraction;
    lastStage = stage;
    post({ type: 'progress', stage, fraction });
  };
}

function message(e: unknown, name: string): string {
  if (e instanceof RangeError && /alloc/i.test(e.message)) return `${name}: not enough memory to import it (${e.message})`;
  const text = e instanceof Error ? e.message : String(e);
  // Reader, mapping and store errors already name what went wrong; anything else is a bug, said plainly.
  return (e instanceof Error && ['CheckpointError', 'ManifestError', 'StoreError'].includes(e.name)) || text.startsWith(`${name}: `)
    ? text
    : `${name}: import failed: ${text}`;
}

/**
 * Imports one checkpoint and stores it; never throws: the outcome is the last event posted,
 * done (with the stored manifest) or error (with a one-line message).
 */
export async function runImport(
  input: Blob | Uint8Array,
  name: string,
  settings: ImportSettings,
  post: (e: ImportEvent) => void,
  save: (p: PackedModel) => Promise<void> = saveModel,
): Promise<void> {
  const progress = reporter(post);
  try {
    const { arch, classes } = settings;
    if (arch !== undefined && !isArchName(arch)) {
      throw new Error(`${name}: architecture must be an official name such as drn_c_26 or drn_d_105, got ${JSON.stringify(arch)}`);
    }
    const bytes = input instanceof Uint8Array ? input : await readBlob(input, name, (f) => progress('reading', f));
    const { meta, tensors } = await importCheckpoint(bytes, name, {
      classes,
      arch,
      // importCheckpoint gives 0..0.8 for reading tensors, the rest for hashing and folding.
      onProgress: (p) => (p <= 0.8 ? progress('parsing', p / 0.8) : progress('converting', (p - 0.8) / 0.2)),
    });
    progress('packing', 0);
    const packed = await pack(meta, tensors);
    progress('saving', 0);
    await save(packed);
    progress('saving', 1);
    post({ type: 'done', manifest: packed.manifest });
  } catch (e) {
    post({ type: 'error', message: message(e, name) });
  }
}
