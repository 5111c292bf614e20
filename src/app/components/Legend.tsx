import { colormapTable } from '../../draw/colormap';
import { mapOf } from '../../models/class-maps';
import { evidence, shownClasses } from '../overlay-view';
import type { State } from '../state';

function turboGradient(): string {
  const lut = colormapTable('turbo');
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => {
    const i = 3 * Math.round(255 * v);
    return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]}) ${v * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

export function Legend({ state }: { state: State }) {
  const inf = state.results[state.modelKey]?.inference;
  if (!inf) return null;
  const shown = shownClasses(inf, state.view);
  if (shown.length === 0) return <p className="legend">Switch a class on to see its heatmap.</p>;
  if (shown.length === 1) {
    const { max } = evidence(mapOf(inf.maps, shown[0].index));
    return (
      <figure className="legend" data-testid="legend">
        <div className="ramp" style={{ background: turboGradient() }} />
        <figcaption><span>0</span><span>{shown[0].name}: class evidence (raw activation, unpainted where ≤ 0)</span><span>{max.toFixed(1)}</span></figcaption>
      </figure>
    );
  }
  return (
    <figure className="legend" data-testid="legend">
      {shown.map((c) => (
        <div key={c.index} className="ramp-row">
          <div className="ramp" style={{ background: `linear-gradient(to right, transparent, rgb(${c.color.join(',')}))` }} />
          <span>{c.name}</span>
        </div>
      ))}
      <figcaption>Each class in its own colour; stronger colour = more evidence (scaled to the class's maximum).</figcaption>
    </figure>
  );
}
