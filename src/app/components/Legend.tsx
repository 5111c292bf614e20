import { useMemo } from 'react';
import { colormapTable } from '../../draw/colormap';
import { evidenceAlpha } from '../../draw/composite';
import { MAX_LABELS } from '../../draw/labels';
import { legendModel } from '../../draw/scene';
import { sceneFor } from '../overlay-view';
import type { Inference } from '../../models/class-maps';
import type { View } from '../state';

function gradient(stops: (v: number) => string): string {
  return `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((v) => `${stops(v)} ${v * 100}%`).join(', ')})`;
}

const turbo = (v: number) => {
  const lut = colormapTable('turbo');
  const i = 3 * Math.round(255 * v);
  return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`;
};

/** The legend, from the same model as the one drawn under exported PNGs: the scale and its numbers. */
export function Legend({ inference: inf, view, names }: { inference: Inference | undefined; view: View; names: readonly string[] }) {
  const model = useMemo(() => (inf ? legendModel(sceneFor(inf, view, names)) : null), [inf, view, names]);
  if (!model) return null;
  if (model.rows.length === 0) return <p className="legend">Switch a class on to see its heatmap.</p>;
  return (
    <figure className="legend" data-testid="legend">
      {model.rows.slice(0, MAX_LABELS).map((r) => (
        <div key={r.name} className="ramp-row">
          <span className="name">{r.name}</span>
          <span className="lo">{r.lo.toFixed(0)}</span>
          <div
            className="ramp"
            style={{ backgroundImage: model.single ? gradient(turbo) : gradient((v) => `rgba(${r.color.join(',')},${evidenceAlpha(v, 1)})`) }}
          />
          <span className="hi" data-testid="legend-max">
            {r.hi.toFixed(2)}
          </span>
        </div>
      ))}
      {model.rows.length > MAX_LABELS && (
        <p className="more" data-testid="legend-more">
          +{(model.rows.length - MAX_LABELS).toLocaleString('en-US')} more classes shown, each on its own scale as above
        </p>
      )}
      <figcaption data-testid="legend-caption">{model.caption}</figcaption>
    </figure>
  );
}
