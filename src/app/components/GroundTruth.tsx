import { useState } from 'react';
import type { Box } from '../../localize/boxes';
import type { Inference } from '../../models/class-maps';
import type { GroundTruthEditor } from '../orchestration/ground-truth';
import type { View } from '../state';
import { FilePicker } from './FilePicker';
import { IouChart } from './IouChart';

/** Ground truth: draw a box on the photo, type one, or load a VOC XML / JSON file; then IoUs and the chart. */
export interface GroundTruthProps {
  /** The shown model's result on the photo (the panel shows once there is one). */
  inference: Inference | undefined;
  view: View;
  names: readonly string[];
  editor: Pick<GroundTruthEditor, 'load' | 'add' | 'clear'>;
  drawing: boolean;
  setDrawing: (on: boolean) => void;
}

export function GroundTruth({ inference, view, names, editor, drawing, setDrawing }: GroundTruthProps) {
  const [typed, setTyped] = useState<Box>([0, 0, 0, 0]);
  if (!inference) return null;
  const gt = view.gt;
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
        <FilePicker
          accept=".xml,.json,application/xml,application/json,text/xml"
          inputTestId="gt-file"
          buttonTestId="gt-load"
          onFile={(f) => void editor.load(f)}
        >
          Load VOC XML / JSON…
        </FilePicker>
        <button type="button" disabled={!gt.length} onClick={() => editor.clear()} data-testid="gt-clear">
          Clear
        </button>
      </div>
      <form
        className="gt-typed"
        onSubmit={(e) => {
          e.preventDefault();
          editor.add(typed);
        }}
        aria-label="Type a ground-truth box in photo pixels"
      >
        {(['x0', 'y0', 'x1', 'y1'] as const).map((k, i) => (
          <label key={k}>
            {k}
            {/* No min/max: the browser would block the form silently; the editor says what is wrong. */}
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
      {gt.length > 0 && <IouChart inference={inference} view={view} names={names} />}
    </fieldset>
  );
}
