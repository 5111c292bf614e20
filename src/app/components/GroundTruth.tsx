import { useRef, useState } from 'react';
import type { Box } from '../../localize/boxes';
import type { Controller } from '../controller';
import type { State } from '../state';
import { IouChart } from './IouChart';

/** Ground truth: draw a box on the photo, type one, or load a VOC XML / JSON file; then IoUs and the chart. */
export function GroundTruth({
  state,
  controller,
  drawing,
  setDrawing,
}: {
  state: State;
  controller: Controller;
  drawing: boolean;
  setDrawing: (on: boolean) => void;
}) {
  const file = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState<Box>([0, 0, 0, 0]);
  const photo = state.photo;
  if (!photo || !state.results[state.modelKey]) return null;
  const gt = state.view.gt;
  return (
    <fieldset className="gt" data-testid="gt-panel">
      <legend>
        Ground truth <small>(is the box right?)</small>
      </legend>
      <p className="muted">
        {gt.length
          ? `${gt.length} box${gt.length > 1 ? 'es' : ''}: ${gt
              .slice(0, 20)
              .map((b) => `[${b.map(Math.round).join(', ')}]`)
              .join(' ')}${gt.length > 20 ? ` and ${gt.length - 20} more` : ''}`
          : 'No ground truth yet: draw a box on the photo, type one, or load an annotation.'}
      </p>
      <div className="gt-row">
        <button type="button" aria-pressed={drawing} onClick={() => setDrawing(!drawing)} data-testid="gt-draw">
          {drawing ? 'Cancel drawing' : 'Draw a box'}
        </button>
        <button type="button" onClick={() => file.current?.click()} data-testid="gt-load">
          Load VOC XML / JSON…
        </button>
        <input
          ref={file}
          type="file"
          accept=".xml,.json,application/xml,application/json,text/xml"
          hidden
          data-testid="gt-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void controller.loadGroundTruth(f);
            e.target.value = '';
          }}
        />
        <button type="button" disabled={!gt.length} onClick={() => controller.dispatch({ type: 'gt', boxes: [] })} data-testid="gt-clear">
          Clear
        </button>
      </div>
      <form
        className="gt-typed"
        onSubmit={(e) => {
          e.preventDefault();
          controller.addGroundTruthBox(typed);
        }}
        aria-label="Type a ground-truth box in photo pixels"
      >
        {(['x0', 'y0', 'x1', 'y1'] as const).map((k, i) => (
          <label key={k}>
            {k}
            {/* No min/max: the browser would block the form silently; the controller says what is wrong. */}
            <input
              type="number"
              value={typed[i]}
              data-testid={`gt-${k}`}
              onChange={(e) => setTyped(typed.map((v, j) => (j === i ? Number(e.target.value) : v)) as Box)}
            />
          </label>
        ))}
        <button type="submit" data-testid="gt-add">
          Add box
        </button>
      </form>
      {gt.length > 0 && <IouChart state={state} />}
    </fieldset>
  );
}
