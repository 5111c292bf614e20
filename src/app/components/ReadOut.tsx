import type { Scene } from '../../draw/scene';
import type { Inference } from '../../models/class-maps';

/** The map cell under the pointer or keyboard cursor: each shown class's raw activation and the winner of all classes. */
export function ReadOut({
  cell,
  result,
  scene,
  names,
}: {
  cell: [number, number] | null;
  result: Inference;
  scene: Scene;
  names: readonly string[];
}) {
  const maps = result.maps;
  if (!cell) {
    return (
      <p className="readout muted" data-testid="readout">
        Point at the photo (or focus it and use the arrow keys) to read the map cell under the cursor.
      </p>
    );
  }
  const i = cell[1] * maps.width + cell[0];
  const winner = maps.winner.length ? maps.winner[i] : -1;
  return (
    <div className="readout" data-testid="readout" aria-live="polite">
      <span data-testid="readout-cell">
        cell ({cell[0]}, {cell[1]}) of {maps.width}×{maps.height}
      </span>
      {scene.classes.map((c) => (
        <span key={c.index} className="readout-class">
          <i className="swatch" style={{ background: `rgb(${c.color.join(',')})` }} aria-hidden="true" />
          {c.name}: <b data-testid={`readout-${c.index}`}>{c.plane[i].toFixed(2)}</b>
        </span>
      ))}
      {winner >= 0 && (
        <span>
          wins this cell (of all {names.length || 'the'} classes): <b data-testid="readout-winner">{names[winner] ?? `class ${winner}`}</b> (class{' '}
          {winner})
        </span>
      )}
    </div>
  );
}
