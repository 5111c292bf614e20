// The little the project needs of IndexedDB, for each of its databases (imported models in
// browser-store.ts, taught classes in app/teach/head-store.ts): open with an upgrade, one
// transaction whose result is read once it has committed, and what IndexedDB throws turned into a
// sentence a person can act on. The raw API: a few operations do not justify a wrapper library.

export interface Database {
  name: string;
  version: number;
  /** The object stores every transaction spans. */
  stores: readonly string[];
  /** Creates what an older version lacks. */
  upgrade(db: IDBDatabase): void;
  /** The error class its callers catch, and the sentences particular to what it stores. */
  error: new (message: string) => Error;
  /** Why there is no storage at all (no IndexedDB, private mode, blocked site data). */
  unavailable: string;
  /** What to free when the quota is exceeded. */
  whenFull: string;
}

const OPENING = 'opening browser storage';

/** Turns what IndexedDB threw or aborted with into the database's error, in words. */
export function storageError(db: Database, e: unknown, what: string): Error {
  if (e instanceof db.error) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
  const message = e instanceof Error || e instanceof DOMException ? e.message : String(e ?? 'transaction aborted');
  if (name === 'QuotaExceededError') {
    return new db.error(`${what}: the browser's storage quota is exceeded (not enough space); ${db.whenFull}`);
  }
  // Firefox's private mode refuses open() with InvalidStateError; blocked site data gives SecurityError.
  if (what === OPENING && (name === 'InvalidStateError' || name === 'SecurityError')) return new db.error(db.unavailable);
  return new db.error(`${what}: ${message}`);
}

function open(spec: Database): Promise<IDBDatabase> {
  const factory: IDBFactory | undefined = globalThis.indexedDB;
  if (!factory) return Promise.reject(new spec.error(spec.unavailable));
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(spec.name, spec.version);
    } catch (e) {
      reject(storageError(spec, e, OPENING));
      return;
    }
    req.onupgradeneeded = () => spec.upgrade(req.result);
    req.onsuccess = () => {
      // A later version of the app in another tab must not be blocked by this connection.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(storageError(spec, req.error, OPENING));
  });
}

/**
 * Runs `work` in one transaction over the database's stores; resolves with `work`'s result once
 * the transaction has committed, so a failure anywhere leaves the database as it was.
 */
export async function transact<T>(spec: Database, mode: IDBTransactionMode, what: string, work: (tx: IDBTransaction) => () => T): Promise<T> {
  const db = await open(spec);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction([...spec.stores], mode);
      let result: (() => T) | undefined;
      tx.oncomplete = () => resolve(result!());
      tx.onabort = () => reject(storageError(spec, tx.error, what));
      try {
        result = work(tx);
      } catch (e) {
        reject(storageError(spec, e, what));
        try {
          tx.abort();
        } catch {
          /* already finished */
        }
      }
    });
  } finally {
    db.close();
  }
}

/** A request's result, read after the transaction committed. */
export const resultOf =
  <T>(r: IDBRequest): (() => T) =>
  () =>
    r.result as T;
