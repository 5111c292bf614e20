// Imported model packages in IndexedDB (browser only): an index entry per package plus its
// manifest and shards, read back through the same ByteSource as downloaded packages.
import { createStore, del, get, keys, setMany, delMany } from 'idb-keyval';
import type { ByteSource } from '../../weights/load-package';
import type { PackedModel } from '../../weights/pack';

const store = () => createStore('drn-lens-imported', 'packages');

export interface StoredModel {
  key: string;
  title: string;
  /** Weight bytes. */
  bytes: number;
  /** The file it was converted from. */
  from: string;
  created: number;
}

type Key = ['index', string] | ['file', string, string];

export async function storePackage(p: PackedModel, from: string): Promise<StoredModel> {
  const key = `imported-${p.manifest.id}-${Date.now().toString(36)}`;
  const entry: StoredModel = {
    key, title: p.manifest.title, from, created: Date.now(),
    bytes: p.manifest.files.reduce((n, f) => n + f.bytes, 0),
  };
  const manifest = new TextEncoder().encode(JSON.stringify(p.manifest));
  const files: [Key, Uint8Array][] = [[['file', key, 'manifest.json'], manifest], ...[...p.files].map(([path, b]) => [['file', key, path], b.slice()] as [Key, Uint8Array])];
  // The index entry goes last, so a package interrupted mid-write is never listed.
  await setMany(files, store());
  await setMany([[['index', key], entry]], store());
  return entry;
}

export async function listStored(): Promise<StoredModel[]> {
  const s = store();
  const all = (await keys(s)) as unknown as Key[];
  const index = all.filter((k) => k[0] === 'index');
  const entries = await Promise.all(index.map((k) => get<StoredModel>(k, s)));
  return entries.filter((e): e is StoredModel => Boolean(e)).sort((a, b) => a.created - b.created);
}

export async function deleteStored(key: string): Promise<void> {
  const s = store();
  await del(['index', key], s);
  const all = (await keys(s)) as unknown as Key[];
  await delMany(all.filter((k) => k[0] === 'file' && k[1] === key), s);
}

export function idbSource(key: string): ByteSource {
  return {
    describe: (path) => `imported model ${key}: ${path}`,
    async read(path, onBytes) {
      const bytes = await get<Uint8Array>(['file', key, path], store());
      if (!bytes) throw new Error(`imported model ${key}: ${path} is missing from the browser's storage (deleted?)`);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
}
