import type { LoadState, ModelEntry } from '../state';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The shown model's load: `entry` names it, `load` is where it stands. */
export function LoadProgress({ entry, load }: { entry: ModelEntry | undefined; load: LoadState | undefined }) {
  if (!load || !entry) return null;
  if (load.status === 'loading') {
    return (
      <div className="load" data-testid="load-progress">
        <label>
          Loading {entry.title}: {load.total ? `${mb(load.loaded)} of ${mb(load.total)}` : 'reading the manifest…'}
          <progress max={load.total || 1} value={load.loaded} />
        </label>
      </div>
    );
  }
  if (load.status === 'ready') {
    const { info } = load;
    const where =
      info.cachedBytes >= info.bytes
        ? 'from the browser cache'
        : info.cachedBytes > 0
          ? `${mb(info.bytes - info.cachedBytes)} downloaded`
          : 'downloaded';
    return (
      <>
        <p className="load done" data-testid="load-done">
          {entry.title}: {mb(info.bytes)} of weights {where}, ready in {(info.ms / 1000).toFixed(1)} s
          {info.warmUpMs ? ` (then a warm-up of ${(info.warmUpMs / 1000).toFixed(1)} s)` : ''}.
        </p>
        {load.preparing && (
          <p className="load" data-testid="load-preparing" aria-live="polite">
            {load.preparing}…
          </p>
        )}
      </>
    );
  }
  return (
    <p className="load failed" data-testid="load-failed">
      {load.message}
    </p>
  );
}
