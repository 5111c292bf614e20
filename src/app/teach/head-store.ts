// Taught classes kept in IndexedDB, per model, so they survive a reload. A database of its own
// (not the imported models'): a head is a few kilobytes and needs no shards. Raw API, as in
// weights/browser-store.ts: three operations do not justify a wrapper library.
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

function open(): Promise<IDBDatabase> {
  const factory: IDBFactory | undefined = globalThis.indexedDB;
  if (!factory) return Promise.reject(new HeadStoreError('IndexedDB is not available in this browser, so taught classes last only until a reload'));
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(DB_NAME, DB_VERSION);
    } catch (e) {
      reject(new HeadStoreError(`browser storage could not be opened: ${(e as Error).message}`));
      return;
    }
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(HEADS, { keyPath: 'id' });
      store.createIndex(BY_MODEL, 'modelKey');
    };
    req.onsuccess = () => {
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(new HeadStoreError(`browser storage could not be opened: ${req.error?.message ?? 'unknown error'}`));
  });
}

async function transact<T>(mode: IDBTransactionMode, what: string, work: (store: IDBObjectStore) => IDBRequest | null): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(HEADS, mode);
      const req = work(tx.objectStore(HEADS));
      tx.oncomplete = () => resolve(req?.result as T);
      tx.onabort = () => reject(new HeadStoreError(`${what}: ${tx.error?.message ?? 'transaction aborted'}`));
    });
  } finally {
    db.close();
  }
}

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
    const all = await transact<unknown[]>('readonly', 'listing taught classes', (s) => s.index(BY_MODEL).getAll(modelKey));
    // Taught in the order they were made, so class indices stay put across reloads.
    return all
      .map(asHead)
      .filter((h): h is TaughtClass => h !== null)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  },
  async save(head) {
    await transact('readwrite', `saving the taught class ${head.name}`, (s) => s.put({ ...head, weights: Float32Array.from(head.weights) }));
  },
  async remove(id) {
    await transact('readwrite', 'deleting a taught class', (s) => s.delete(id));
  },
};
