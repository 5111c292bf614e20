import type { Controller } from '../controller';
import type { BoxRule } from '../../localize/boxes';
import { mapOf } from '../../models/class-maps';
import type { State } from '../state';

/** The slider's range: the paper rule thresholds raw activations, the CAM rule a fraction. */
function thresholdRange(state: State): { min: number; max: number; step: number } {
  if (state.view.rule === 'cam') return { min: 0, max: 1, step: 0.01 };
  const inf = state.results[state.modelKey]?.inference;
  let top = 10;
  if (inf?.top[0]) top = Math.max(...mapOf(inf.maps, inf.top[0].index));
  const max = Math.max(1, Math.ceil(top));
  return { min: 0, max, step: max / 200 };
}

export function Controls({ state, controller }: { state: State; controller: Controller }) {
  const { view } = state;
  const range = thresholdRange(state);
  const threshold = view.thresholds[view.rule];
  const d = controller.dispatch;
  return (
    <fieldset className="controls">
      <legend>View</legend>
      <label>
        Heatmap opacity <output>{Math.round(view.opacity * 100)}%</output>
        <input type="range" min={0} max={1} step={0.05} value={view.opacity} data-testid="opacity"
          onChange={(e) => d({ type: 'opacity', value: Number(e.target.value) })} />
      </label>
      <div role="radiogroup" aria-label="Box rule" className="rule">
        {([['drn', 'DRN paper rule (class wins the cell and exceeds t)'], ['cam', 'Largest connected component (CAM, fraction of max)']] as [BoxRule, string][]).map(([r, label]) => (
          <label key={r}>
            <input type="radio" name="rule" value={r} checked={view.rule === r} data-testid={`rule-${r}`}
              onChange={() => d({ type: 'rule', rule: r })} />
            {label}
          </label>
        ))}
      </div>
      <label>
        Box threshold <output data-testid="threshold-value">{threshold.toFixed(2)}</output>
        <input type="range" min={range.min} max={range.max} step={range.step} value={Math.min(range.max, threshold)} data-testid="threshold"
          onChange={(e) => d({ type: 'threshold', value: Number(e.target.value) })} />
      </label>
      <label className="check">
        <input type="checkbox" checked={view.rawGrid} data-testid="raw-grid" onChange={(e) => d({ type: 'rawGrid', on: e.target.checked })} />
        Raw grid (map cells unsmoothed)
      </label>
      <label className="check">
        <input type="checkbox" checked={view.compare} data-testid="compare" onChange={(e) => controller.setCompare(e.target.checked)} />
        Compare ResNet-50 (7×7) with DRN-A-50 (28×28)
      </label>
    </fieldset>
  );
}
