import { useEffect, useRef } from 'react';
import { shownClasses } from '../overlay-view';
import { drawScene } from '../render';
import type { State } from '../state';

/** Display canvases are at most this many pixels on a side; the PNG export is full size. */
export const VIEW_MAX_SIDE = 960;

export function Viewer({ state }: { state: State }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { photo, view } = state;
  const result = state.results[state.modelKey] ?? null;
  useEffect(() => {
    if (!canvas.current || !photo) return;
    const inf = result?.inference ?? null;
    drawScene(canvas.current, {
      bitmap: photo.bitmap, width: photo.width, height: photo.height, inference: inf,
      shown: inf ? shownClasses(inf, view) : [], opacity: view.opacity, rawGrid: view.rawGrid, boxes: true,
    }, VIEW_MAX_SIDE);
  }, [photo, result, view]);
  if (!photo) {
    return <div className="viewer empty"><p>No photo yet: pick a sample above to see what the network sees.</p></div>;
  }
  const names = result ? shownClasses(result.inference, view).map((c) => c.name).join(', ') : '';
  return (
    <figure className="viewer">
      <canvas ref={canvas} data-testid="viewer" data-photo-width={photo.width} data-photo-height={photo.height}
        role="img" aria-label={`${photo.name}${names ? `, showing ${names}` : ''}`} />
      <figcaption>
        {photo.name} · {photo.width}×{photo.height}
        {state.running && <span className="busy" data-testid="running"> · analysing…</span>}
      </figcaption>
    </figure>
  );
}
