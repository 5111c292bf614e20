// Module worker entry: one import per worker, started by import-client.ts. Parsing, folding and
// hashing a 200 MB checkpoint take seconds, which would freeze the page on the main thread.
import type { ImportEvent, ImportRequest } from './import-messages';
import { runImport } from './import-run';

// The project's lib list mixes DOM and WebWorker, so `self` is typed as a Window; name what is used.
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<ImportRequest>) => void) | null;
  postMessage(message: ImportEvent): void;
};

scope.onmessage = (e) => {
  const { file, name, arch, classes } = e.data;
  void runImport(file, name, { arch, classes }, (m) => scope.postMessage(m));
};
