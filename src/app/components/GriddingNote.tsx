import { useMemo } from 'react';
import { gridding, whiteNoiseScore } from '../../localize/gridding';
import { sceneFor } from '../overlay-view';
import type { Inference } from '../../models/class-maps';
import type { View } from '../state';

/** In the raw-grid view: each shown class's gridding score (src/localize/gridding.ts), with its chance level. */
export function GriddingNote({ inference: inf, view, names }: { inference: Inference | undefined; view: View; names: readonly string[] }) {
  const rows = useMemo(() => {
    if (!inf || !view.rawGrid) return null;
    const { width, height } = inf.maps;
    return sceneFor(inf, view, names).classes.map((c) => ({ name: c.name, color: c.color, g: gridding(c.plane, width, height) }));
  }, [inf, names, view]);
  if (!inf || !rows?.length) return null;
  const { width, height } = inf.maps;
  return (
    <div className="gridding" data-testid="gridding">
      <strong>Gridding</strong> (share of the map&apos;s high-frequency energy at periods 2 and 4 cells: 1 a pure checkerboard, ~0 smooth
      {rows[0].g ? `; white noise ${whiteNoiseScore(width, height).toFixed(2)}` : ''})
      <ul>
        {rows.map((r) => (
          <li key={r.name} data-testid="gridding-row">
            <span className="swatch" style={{ background: `rgb(${r.color.join(',')})` }} /> {r.name}:{' '}
            {r.g ? (
              <b data-testid="gridding-score">{r.g.score.toFixed(3)}</b>
            ) : (
              <span>
                not defined on {width}×{height} maps (sides must be multiples of 4)
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
