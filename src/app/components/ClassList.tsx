import type { Controller } from '../controller';
import { shownClasses, classColor } from '../overlay-view';
import type { State } from '../state';

export function ClassList({ state, controller }: { state: State; controller: Controller }) {
  const result = state.results[state.modelKey];
  if (!result) return null;
  const inf = result.inference;
  const boxes = new Map(shownClasses(inf, state.view, inf.top.map((p) => p.index)).map((c) => [c.index, c.box]));
  return (
    <fieldset className="classes" data-testid="classes">
      <legend>Top {inf.top.length} classes <small>(switch each heatmap and box)</small></legend>
      <ol>
        {inf.top.map((p, rank) => {
          const box = boxes.get(p.index);
          return (
            <li key={p.index}>
              <label>
                <input type="checkbox" checked={state.view.shown.includes(p.index)}
                  onChange={() => controller.dispatch({ type: 'toggleClass', index: p.index })} data-testid={`class-${rank}`} />
                <span className="swatch" style={{ background: `rgb(${classColor(rank).join(',')})` }} aria-hidden="true" />
                <span className="name" data-testid={`class-name-${rank}`}>{p.name}</span>
                <span className="prob">{(100 * p.probability).toFixed(1)}%</span>
              </label>
              <meter min={0} max={1} value={p.probability} aria-hidden="true" />
              <small className="box" data-testid={`class-box-${rank}`}>
                {box ? `box ${box.map((v) => Math.round(v)).join(', ')}` : 'no box at this threshold'}
              </small>
            </li>
          );
        })}
      </ol>
    </fieldset>
  );
}
