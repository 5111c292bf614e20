// Imported model packages kept in IndexedDB, so a checkpoint converted once in the page survives
// reloads. Works in the page and in workers; IndexedDB itself is reached through idb.ts.
import type { ByteSource } from './load-package';
import { parseManifest, type ModelManifest } from './manifest';
import type { PackedModel } from './pack';
import { resultOf, transact as transactIn, type Database } from './idb';

const DB_NAME = 'drn-lens-models';
const DB_VERSION = 1;
/** ModelManifest records, keyed by manifest.id. */
const MANIFESTS = 'manifests';
/** Shard bytes (Uint8Array), keyed by [id, path]. */
const SHARDS = 'shards';

export class StoreError extends Error {
  override name = 'StoreError';
}

const MODELS: Database = {
  name: DB_NAME,
  version: DB_VERSION,
  stores: [MANIFESTS, SHARDS],
  upgrade(db) {
    if (!db.objectStoreNames.contains(MANIFESTS)) db.createObjectStore(MANIFESTS, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(SHARDS)) db.createObjectStore(SHARDS);
  },
  error: StoreError,
  unavailable:
    'IndexedDB is not available in this browser (private browsing, blocked site data or an old browser), so imported models cannot be stored',
  whenFull: 'delete imported models or free disk space and try again',
};

const transact = <T>(mode: IDBTransactionMode, what: string, work: (tx: IDBTransaction) => () => T): Promise<T> =>
  transactIn(MODELS, mode, what, work);
/** Every [id, path] key of one model: arrays sort after strings, so [id, []] bounds them all. */
const shardsOf = (id: string) => IDBKeyRange.bound([id], [id, []]);

/**
 * Stores a package, replacing any model with the same id. Structured cloning a view copies its
 * whole buffer, and pack()'s shards are views into one buffer, so each shard is copied alone.
 */
export async function saveModel(packed: PackedModel): Promise<void> {
  const { manifest, files } = packed;
  const missing = manifest.files.find((f) => !files.has(f.path));
  if (missing) throw new StoreError(`${manifest.id}: the package lacks ${missing.path}`);
  const mb = manifest.files.reduce((n, f) => n + f.bytes, 0) / 2 ** 20;
  await transact('readwrite', `saving ${manifest.title} (${mb.toFixed(1)} MB) in browser storage`, (tx) => {
    const shards = tx.objectStore(SHARDS);
    shards.delete(shardsOf(manifest.id));
    for (const f of manifest.files) shards.put(files.get(f.path)!.slice(), [manifest.id, f.path]);
    tx.objectStore(MANIFESTS).put(manifest);
    return () => undefined;
  });
}

/** Manifests of the stored models in id order; a record this version cannot read is skipped with a warning. */
export async function listModels(): Promise<ModelManifest[]> {
  const all = await transact('readonly', 'listing imported models', (tx) => resultOf<unknown[]>(tx.objectStore(MANIFESTS).getAll()));
  return all.flatMap((m) => {
    const id = typeof m === 'object' && m !== null && 'id' in m ? String(m.id) : '?';
    try {
      return [parseManifest(m, `(browser storage) ${id}/manifest.json`)];
    } catch (e) {
      // One unreadable record (from another version of the app) must not hide the others.
      console.warn(`${(e as Error).message}; skipped, deleteModel(${JSON.stringify(id)}) removes it`);
      return [];
    }
  });
}

/** Removes a model and all its shards; an unknown id is not an error. */
export async function deleteModel(id: string): Promise<void> {
  await transact('readwrite', `deleting imported model ${id}`, (tx) => {
    tx.objectStore(MANIFESTS).delete(id);
    tx.objectStore(SHARDS).delete(shardsOf(id));
    return () => undefined;
  });
}

/** A stored model as a ByteSource for loadPackage, which checks sizes and hashes. */
export function storeSource(id: string): ByteSource {
  const describe = (path: string) => `(browser storage) ${id}/${path}`;
  return {
    describe,
    async read(path, onBytes) {
      const isManifest = path === 'manifest.json';
      const value = await transact('readonly', `reading ${describe(path)}`, (tx) =>
        resultOf<unknown>(isManifest ? tx.objectStore(MANIFESTS).get(id) : tx.objectStore(SHARDS).get([id, path])),
      );
      if (value === undefined) throw new StoreError(`${describe(path)}: not in browser storage (model deleted?)`);
      const bytes = isManifest ? new TextEncoder().encode(JSON.stringify(value)) : value;
      if (!(bytes instanceof Uint8Array)) throw new StoreError(`${describe(path)}: stored value is not bytes`);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
}
