// Taught classes kept in IndexedDB, per model, so they survive a reload. A database of its own
// (not the imported models'): a head is a few kilobytes and needs no shards. IndexedDB through
// weights/idb.ts, as the imported models.
import { resultOf, transact, type Database } from '../../weights/idb';
import type { TaughtClass } from './teach-state';

const DB_NAME = 'drn-lens-heads';
const DB_VERSION = 1;
const HEADS = 'heads';
const BY_MODEL = 'byModel';

export class HeadStoreError extends Error {
  override name = 'HeadStoreError';
}

/** What the page needs of the store; tests pass their own. */
export interface HeadStore {
  list(modelKey: string): Promise<TaughtClass[]>;
  save(head: TaughtClass): Promise<void>;
  remove(id: string): Promise<void>;
}

const HEAD_DB: Database = {
  name: DB_NAME,
  version: DB_VERSION,
  stores: [HEADS],
  upgrade(db) {
    if (!db.objectStoreNames.contains(HEADS)) db.createObjectStore(HEADS, { keyPath: 'id' }).createIndex(BY_MODEL, 'modelKey');
  },
  error: HeadStoreError,
  unavailable: 'IndexedDB is not available in this browser, so taught classes last only until a reload',
  whenFull: 'delete taught classes or imported models, or free disk space, and try again',
};

/** One operation on the heads' store, its result read once the transaction has committed. */
const onHeads = <T>(mode: IDBTransactionMode, what: string, work: (store: IDBObjectStore) => IDBRequest): Promise<T> =>
  transact(HEAD_DB, mode, what, (tx) => resultOf<T>(work(tx.objectStore(HEADS))));

/** A stored record as a TaughtClass, or null for one this version cannot read (skipped). */
function asHead(v: unknown): TaughtClass | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Partial<TaughtClass>;
  const ok =
    typeof r.id === 'string' &&
    typeof r.modelKey === 'string' &&
    typeof r.name === 'string' &&
    r.weights instanceof Float32Array &&
    typeof r.bias === 'number' &&
    typeof r.inputSize === 'number' &&
    typeof r.examples === 'object' &&
    typeof r.createdAt === 'string';
  return ok ? (r as TaughtClass) : null;
}

export const browserHeadStore: HeadStore = {
  async list(modelKey) {
    const all = await onHeads<unknown[]>('readonly', 'listing taught classes', (s) => s.index(BY_MODEL).getAll(modelKey));
    // Taught in the order they were made, so class indices stay put across reloads.
    return all
      .map(asHead)
      .filter((h): h is TaughtClass => h !== null)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  },
  async save(head) {
    await onHeads('readwrite', `saving the taught class ${head.name}`, (s) => s.put({ ...head, weights: Float32Array.from(head.weights) }));
  },
  async remove(id) {
    await onHeads('readwrite', 'deleting a taught class', (s) => s.delete(id));
  },
};
