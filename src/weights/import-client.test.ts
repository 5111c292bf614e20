import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteModel, listModels } from './browser-store';
import { ImportError, importCheckpointInWorker } from './import-client';
import type { ImportEvent, ImportRequest } from './import-messages';
import { runImport } from './import-run';

const fixture = (name: string) => new File([readFileSync(new URL(`./torch/fixtures/${name}`, import.meta.url))], name);
const CLASSES = Array.from({ length: 1000 }, (_, i) => `class ${i}`);

/** Node has no Web Worker: this one runs the worker's core in-process and delivers its events asynchronously, as cloned messages. */
class FakeWorker {
  static made: FakeWorker[] = [];
  onmessage: ((e: { data: ImportEvent }) => void) | null = null;
  onerror: ((e: { message: string; preventDefault(): void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  received: ImportRequest[] = [];
  crash: string | null = null;
  /** The in-process run goes on after terminate(); tests wait for it before clearing the store. */
  running: Promise<void> = Promise.resolve();

  constructor(
    readonly url: URL | string,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.made.push(this);
  }

  postMessage(request: ImportRequest) {
    this.received.push(structuredClone(request));
    const deliver = (f: () => void) =>
      setTimeout(() => {
        if (!this.terminated) f();
      });
    if (this.crash !== null) {
      const message = this.crash;
      deliver(() => this.onerror?.({ message, preventDefault() {} }));
      return;
    }
    this.running = runImport(request.file, request.name, request, (e) => deliver(() => this.onmessage?.({ data: structuredClone(e) })));
  }

  terminate() {
    this.terminated = true;
  }
}

beforeEach(() => {
  FakeWorker.made = [];
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await Promise.all(FakeWorker.made.map((w) => w.running));
  for (const m of await listModels()) await deleteModel(m.id);
});

describe('importCheckpointInWorker', () => {
  it('starts a module worker, forwards progress, resolves with the stored manifest and ends the worker', async () => {
    const seen: [string, number][] = [];
    const manifest = await importCheckpointInWorker(fixture('drn_d_22_w8.zip.pth'), {
      classes: CLASSES,
      onProgress: (stage, fraction) => seen.push([stage, fraction]),
    });
    expect(manifest.id).toMatch(/^drn-d-22-w8-[0-9a-f]{8}$/);
    expect((await listModels()).map((m) => m.id)).toEqual([manifest.id]);
    expect(seen[0][0]).toBe('reading');
    expect(seen.at(-1)).toEqual(['saving', 1]);
    const [w] = FakeWorker.made;
    expect(String(w.url)).toMatch(/import-worker\.ts/);
    expect(w.options.type).toBe('module');
    expect(w.received).toHaveLength(1);
    expect(w.received[0]).toMatchObject({ type: 'import', name: 'drn_d_22_w8.zip.pth', arch: undefined });
    expect(w.terminated).toBe(true);
  });

  it("rejects with an ImportError carrying the worker's one-line message", async () => {
    const failed = importCheckpointInWorker(fixture('tiny.zip.pth'), { classes: CLASSES, arch: 'drn_d_22' });
    await expect(failed).rejects.toThrow(ImportError);
    await expect(failed).rejects.toThrow(/^tiny\.zip\.pth: does not match drn_d_22: missing /);
    expect(FakeWorker.made[0].received[0].arch).toBe('drn_d_22');
    expect(FakeWorker.made[0].terminated).toBe(true);
  });

  it('a worker that dies rejects, naming the file', async () => {
    const original = FakeWorker.prototype.postMessage;
    vi.spyOn(FakeWorker.prototype, 'postMessage').mockImplementation(function (this: FakeWorker, r) {
      this.crash = 'Out of memory';
      original.call(this, r);
    });
    await expect(importCheckpointInWorker(fixture('drn_d_22_w8.zip.pth'), { classes: CLASSES })).rejects.toThrow(
      /^drn_d_22_w8\.zip\.pth: the import worker stopped \(Out of memory\)$/,
    );
  });

  it("aborting terminates the worker and rejects with the signal's reason", async () => {
    const abort = new AbortController();
    const stages: string[] = [];
    const run = importCheckpointInWorker(fixture('drn_d_22_w8.zip.pth'), {
      classes: CLASSES,
      signal: abort.signal,
      onProgress: (stage) => {
        stages.push(stage);
        abort.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(stages).toEqual(['reading']);
    expect(FakeWorker.made[0].terminated).toBe(true);

    const before = FakeWorker.made.length;
    await expect(importCheckpointInWorker(fixture('tiny.zip.pth'), { classes: CLASSES, signal: abort.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(FakeWorker.made.length).toBe(before);
  });
});
