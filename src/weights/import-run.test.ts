import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteModel, listModels, storeSource } from './browser-store';
import { importCheckpoint } from './import-drn';
import type { ImportEvent, ImportSettings } from './import-messages';
import { readBlob, runImport } from './import-run';
import { loadPackage } from './load-package';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./torch/fixtures/${name}`, import.meta.url)));
const CLASSES = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
const DRN = 'drn_d_22_w8.zip.pth';

async function run(input: Blob | Uint8Array, name: string, settings: ImportSettings = { classes: CLASSES }) {
  const events: ImportEvent[] = [];
  await runImport(input, name, settings, (e) => events.push(structuredClone(e)));
  return events;
}

/** The outcome is the last event and the only one that is not progress. */
function outcome(events: ImportEvent[]) {
  expect(events.slice(0, -1).every((e) => e.type === 'progress')).toBe(true);
  return events.at(-1)!;
}

async function errorOf(input: Blob | Uint8Array, name: string, settings?: ImportSettings): Promise<string> {
  const last = outcome(await run(input, name, settings));
  if (last.type !== 'error') throw new Error(`expected an error, got ${last.type}`);
  expect(await listModels()).toEqual([]);
  return last.message;
}

// Bit for bit, and far faster than toEqual on long typed arrays.
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const m of await listModels()) await deleteModel(m.id);
});

describe('runImport (the import worker without the Worker)', () => {
  it('reads a File, stores the package, reports every stage in order and ends with done', async () => {
    const bytes = fixture(DRN);
    const events = await run(new File([bytes], DRN), DRN);
    const last = outcome(events);
    if (last.type !== 'done') throw new Error(`import failed: ${JSON.stringify(last)}`);
    expect(last.manifest.id).toMatch(/^drn-d-22-w8-[0-9a-f]{8}$/);
    expect(last.manifest.title).toBe(`DRN-D-22 at 1/8 width (${DRN})`);

    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    const stages = progress.map((e) => e.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual(['reading', 'parsing', 'converting', 'packing', 'saving']);
    expect(progress.every((e, i) => i === 0 || e.fraction >= progress[i - 1].fraction)).toBe(true);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.length).toBeLessThan(150);

    expect(await listModels()).toEqual([last.manifest]);
    const direct = await importCheckpoint(bytes, DRN, { classes: CLASSES });
    const pkg = await loadPackage(storeSource(last.manifest.id));
    for (const t of direct.tensors) expect(bytesOf(pkg.weights.get(t.name)!.dataSync()).equals(bytesOf(t.data)), t.name).toBe(true);
    tf.dispose([...pkg.weights.values()]);
  });

  it("a hostile pickle: refused with the reader's one-line message, nothing stored", async () => {
    // data.pkl says: os.system('touch /tmp/pwned'), via GLOBAL then REDUCE.
    const cmd = 'touch /tmp/pwned';
    const pkl = new Uint8Array([
      0x63,
      ...new TextEncoder().encode('os\nsystem\n'),
      0x58,
      cmd.length,
      0,
      0,
      0,
      ...new TextEncoder().encode(cmd),
      0x85,
      0x52,
      0x2e,
    ]);
    const evil = zipSync({ 'archive/data.pkl': pkl }, { level: 0 });
    const message = await errorOf(evil, 'evil.pth');
    expect(message).toMatch(/^evil\.pth: archive\/data\.pkl: refuses the global os\.system: .*nothing was executed/);
    expect(message).not.toContain('\n');
  });

  it('a checkpoint that is not a DRN, and a file that is not a checkpoint', async () => {
    expect(await errorOf(fixture('tiny.zip.pth'), 'tiny.zip.pth')).toMatch(/^tiny\.zip\.pth: not the state_dict of a DRN or ResNet \(\d+ entries: /);
    expect(await errorOf(new File([fixture('input.png')], 'photo.png'), 'photo.png')).toMatch(/^photo\.png: not a PyTorch checkpoint/);
  });

  it('a segmentation checkpoint (keys under base.*) is refused and named', async () => {
    // Same length, so the pickle's string lengths still hold: a backbone key as DRNSeg names it.
    const bytes = fixture('drn_d_22_w8.legacy.pth');
    const at = Buffer.from(bytes).indexOf('layer0.0.weight');
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode('base.0.0.weight'), at);
    expect(await errorOf(bytes, 'seg.pth')).toMatch(/^seg\.pth: a DRN segmentation checkpoint \(keys base\.\*, seg\.weight, up\.weight; /);
  });

  it("a full quota while saving: the store's message, nothing half-written", async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    expect(await errorOf(fixture(DRN), DRN)).toMatch(
      /^saving DRN-D-22 at 1\/8 width \(drn_d_22_w8\.zip\.pth\) \(\d+\.\d MB\) in browser storage: the browser's storage quota is exceeded/,
    );
  });

  it('a wrong or unknown architecture, and the wrong number of class names', async () => {
    const bytes = fixture(DRN);
    expect(await errorOf(bytes, DRN, { classes: CLASSES, arch: 'drn_z_9' })).toMatch(
      /^drn_d_22_w8\.zip\.pth: architecture must be an official name .* got "drn_z_9"$/,
    );
    expect(await errorOf(bytes, DRN, { classes: CLASSES, arch: 'drn_c_26' })).toMatch(
      /^drn_d_22_w8\.zip\.pth: does not match drn_c_26 \(it fits drn_d_22_w8/,
    );
    expect(await errorOf(bytes, DRN, { classes: ['cat', 'dog'] })).toMatch(/the classifier has 1000 classes but 2 class names were given$/);
  });

  it('refuses a file far larger than any checkpoint before reading it', async () => {
    const huge = {
      size: 3 * 2 ** 30,
      stream: () => {
        throw new Error('read');
      },
    } as unknown as Blob;
    await expect(readBlob(huge, 'big.pth', () => {})).rejects.toThrow(/^big\.pth: 3072 MB is far larger than any DRN checkpoint/);
  });
});
