// The built-in background (teach/background.ts) for the shown model, fetched once per model from
// public/teach-background. A model without one trains against the ImageNet competitors alone.
import type { Backbone } from '../../teach/head-file';
import { parseBackground } from '../../teach/background';

const cache = new Map<string, Promise<Float32Array[]>>();

/** The background's feature vectors for `modelKey`; [] when the site has none for it. Throws a named error for a file that is not one or is for other weights. */
export function teachBackground(modelKey: string, backbone: Backbone): Promise<Float32Array[]> {
  let p = cache.get(modelKey);
  if (!p) {
    p = (async () => {
      const url = new URL(`teach-background/${encodeURIComponent(modelKey)}.features.json`, document.baseURI);
      const res = await fetch(url).catch(() => null);
      // A static host may answer a missing file with its index page: only JSON counts.
      if (!res?.ok || !res.headers.get('content-type')?.includes('json')) return [];
      return parseBackground(await res.text(), url.pathname, backbone);
    })();
    p.catch(() => cache.delete(modelKey));
    cache.set(modelKey, p);
  }
  return p;
}
