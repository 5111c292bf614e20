// The page's side of the import worker: one worker per import, terminated when it ends, so a
// failed or cancelled import gives back all the memory the checkpoint took.
import type { ImportEvent, ImportRequest, ImportStage } from './import-messages';
import type { ModelManifest } from './manifest';

export interface ImportInWorkerOptions {
  /** Official architecture name; left out, detected from the checkpoint's keys and shapes. */
  arch?: string;
  /** The classifier's class names in order (the ImageNet 1000 from the default model's manifest). */
  classes: string[];
  /** `fraction` is of the whole import, 0..1 and never decreasing. */
  onProgress?(stage: ImportStage, fraction: number): void;
  /** Aborting terminates the worker; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A failed import; the message is one line naming the file, fit to show as is. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Reads, converts and stores a .pth checkpoint off the main thread; resolves with the stored model's manifest. */
export function importCheckpointInWorker(file: Blob & { name: string }, options: ImportInWorkerOptions): Promise<ModelManifest> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name: 'drn-lens-import' });
    const finish = (settle: () => void) => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<ImportEvent>) => {
      const m = e.data;
      if (m.type === 'progress') options.onProgress?.(m.stage, m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.manifest));
      else finish(() => reject(new ImportError(m.message)));
    };
    // Reached when the worker's script fails to load or the worker dies (out of memory).
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish(() => reject(new ImportError(`${file.name}: the import worker stopped (${e.message || 'out of memory?'})`)));
    };
    worker.onmessageerror = () => finish(() => reject(new ImportError(`${file.name}: the import worker sent a message that could not be read`)));
    const request: ImportRequest = { type: 'import', file, name: file.name, arch: options.arch, classes: options.classes };
    worker.postMessage(request);
  });
}
