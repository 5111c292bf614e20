// A ByteSource over HTTP with Cache Storage in front: shard paths resolve against the manifest's
// URL (so DRN-A-50's ../resnet-50-imagenet/ shards are the very URLs ResNet-50 uses and are
// downloaded and cached once), and only a package that loadPackage has verified is cached.
import type { ByteSource } from '../../weights/load-package';

export const CACHE_NAME = 'drn-lens-models-v1';

export class MissingFileError extends Error {
  override name = 'MissingFileError';
}

async function readBody(res: Response, onBytes?: (n: number) => void): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    onBytes?.(n);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export class FetchSource implements ByteSource {
  /** Bytes fetched from the network this load, put into the cache by commit(). */
  private fresh = new Map<string, Uint8Array>();
  cachedBytes = 0;

  constructor(
    private manifestUrl: string,
    private useCache = true,
  ) {}

  url(path: string): string {
    return new URL(path, this.manifestUrl).href;
  }

  describe(path: string): string {
    return new URL(this.url(path)).pathname;
  }

  private async cache(): Promise<Cache | null> {
    if (!this.useCache || typeof caches === 'undefined') return null;
    try {
      return await caches.open(CACHE_NAME);
    } catch {
      return null;
    }
  }

  private async network(path: string, onBytes?: (n: number) => void): Promise<Uint8Array> {
    const url = this.url(path);
    let res: Response;
    try {
      // The manifest names each shard's sha256, so it is revalidated; shards are immutable by hash.
      res = await fetch(url, { cache: path === 'manifest.json' ? 'no-cache' : 'default' });
    } catch (e) {
      throw new MissingFileError(`${this.describe(path)}: cannot be downloaded (${(e as Error).message})`);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || type.includes('text/html')) {
      throw new MissingFileError(
        `${this.describe(path)}: model file missing (HTTP ${res.status}${res.ok ? ', got a web page' : ''}). Run "npm run setup-models" on the server.`,
      );
    }
    const bytes = await readBody(res, onBytes);
    this.fresh.set(url, bytes);
    return bytes;
  }

  async read(path: string, onBytes?: (n: number) => void): Promise<Uint8Array> {
    const cache = await this.cache();
    const url = this.url(path);
    if (path === 'manifest.json') {
      // Network first, so an updated package is seen; the cached copy serves offline visits.
      try {
        return await this.network(path);
      } catch (e) {
        const hit = await cache?.match(url);
        if (hit) return new Uint8Array(await hit.arrayBuffer());
        throw e;
      }
    }
    const hit = await cache?.match(url);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      this.cachedBytes += bytes.length;
      onBytes?.(bytes.length);
      return bytes;
    }
    return this.network(path, onBytes);
  }

  /** Stores what was downloaded; call only after the package verified. */
  async commit(): Promise<void> {
    const cache = await this.cache();
    if (!cache) return;
    for (const [url, bytes] of this.fresh) {
      await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }));
    }
    this.fresh.clear();
  }

  /** Drops this package's cached files (they failed verification: stale or corrupt). */
  async evict(paths: string[]): Promise<void> {
    const cache = await this.cache();
    if (cache) await Promise.all(paths.map((p) => cache.delete(this.url(p))));
    this.fresh.clear();
    this.cachedBytes = 0;
  }
}
