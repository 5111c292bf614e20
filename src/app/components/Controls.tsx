import { RULE_EXPLAINED, type BoxRule } from '../../localize/boxes';
import { peak, thresholdRange } from '../../localize/iou-curve';
import type { ColorScale } from '../../draw/composite';
import type { Inference } from '../../models/class-maps';
import type { ViewSettings } from '../orchestration/view-settings';
import type { State, View } from '../state';

/** The slider's range, from the first shown class's map (else the top class's). */
export function sliderRange(inf: Inference | undefined, view: View) {
  const c = view.shown.find((i) => inf?.maps.classes.includes(i)) ?? inf?.top[0]?.index;
  return thresholdRange(view.rule, inf && c !== undefined ? peak(inf.maps, c) : 10);
}

/** DRN is fully convolutional: any multiple of 32 works; these are the sizes offered. */
const INPUT_SIZES = [224, 320, 448, 640, 896];

const RULES: [BoxRule, string][] = [
  ['cam', 'CAM rule (largest region, tau)'],
  ['drn', 'DRN paper rule (class wins the cell, t)'],
];
const SCALES: [ColorScale, string][] = [
  ['class', 'per class (own peak)'],
  ['shared', 'shared (one scale, comparable)'],
];

export interface ControlsProps {
  inference: Inference | undefined;
  view: View;
  input: State['input'];
  settings: Pick<ViewSettings, 'setOpacity' | 'setRule' | 'setThreshold' | 'setScale' | 'setRawGrid' | 'setInstances'>;
  onInput(size: number, flip: boolean): void;
  onCompare(on: boolean): void;
}

export function Controls({ inference, view, input, settings, onInput, onCompare }: ControlsProps) {
  const range = sliderRange(inference, view);
  const threshold = view.thresholds[view.rule];
  return (
    <fieldset className="controls">
      <legend>View</legend>
      <label>
        Heatmap opacity <output>{Math.round(view.opacity * 100)}%</output>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={view.opacity}
          data-testid="opacity"
          onChange={(e) => settings.setOpacity(Number(e.target.value))}
        />
      </label>
      <div role="radiogroup" aria-label="Box rule" className="rule">
        {RULES.map(([r, label]) => (
          <label key={r}>
            <input type="radio" name="rule" value={r} checked={view.rule === r} data-testid={`rule-${r}`} onChange={() => settings.setRule(r)} />
            <span>
              {label}
              <small className="explain">{RULE_EXPLAINED[r]}</small>
            </span>
          </label>
        ))}
      </div>
      <label>
        Box threshold ({view.rule === 'cam' ? 'tau' : 't, raw activation'}) <output data-testid="threshold-value">{threshold.toFixed(2)}</output>
        <input
          type="range"
          min={range.min}
          max={range.max}
          step={range.step}
          value={Math.min(range.max, threshold)}
          data-testid="threshold"
          onChange={(e) => settings.setThreshold(Number(e.target.value))}
        />
      </label>
      <div role="radiogroup" aria-label="Colour scale" className="rule">
        <span className="muted">Colour scale:</span>
        {SCALES.map(([sc, label]) => (
          <label key={sc}>
            <input
              type="radio"
              name="scale"
              value={sc}
              checked={view.scale === sc}
              data-testid={`scale-${sc}`}
              onChange={() => settings.setScale(sc)}
            />
            {label}
          </label>
        ))}
      </div>
      <div className="input-size">
        <label>
          Network input{' '}
          <select value={input.size} data-testid="input-size" onChange={(e) => onInput(Number(e.target.value), input.flip)}>
            {INPUT_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}×{n} ({n / 8}×{n / 8} DRN maps)
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={input.flip} data-testid="flip" onChange={(e) => onInput(input.size, e.target.checked)} />
          Average with a horizontal flip (two passes)
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={view.instances ?? false} data-testid="instances" onChange={(e) => settings.setInstances(e.target.checked)} />
        One box per separate region, with the count (&quot;3 x dog&quot;)
      </label>
      <label className="check">
        <input type="checkbox" checked={view.rawGrid} data-testid="raw-grid" onChange={(e) => settings.setRawGrid(e.target.checked)} />
        Raw grid (map cells unsmoothed)
      </label>
      <label className="check">
        <input type="checkbox" checked={view.compare} data-testid="compare" onChange={(e) => onCompare(e.target.checked)} />
        Compare ResNet-50 (7×7) with DRN-A-50 (28×28)
      </label>
    </fieldset>
  );
}
