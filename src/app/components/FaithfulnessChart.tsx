import { DEFAULT_STEPS } from '../../localize/faithfulness';
import type { Controller } from '../controller';
import { classNames, type State } from '../state';

const W = 260,
  H = 130,
  PAD = 24;
const LINES = [
  { key: 'deletion', color: '#d62728', label: 'deletion (lower area: more faithful)' },
  { key: 'insertion', color: '#1f77b4', label: 'insertion (higher area: more faithful)' },
] as const;

/**
 * Deletion and insertion curves (RISE) for the first shown class, on demand: they cost
 * 2N - 1 forward passes, run in the worker with progress and a cancel button.
 */
export function FaithfulnessChart({ state, controller }: { state: State; controller: Controller }) {
  const result = state.results[state.modelKey];
  if (!result || !state.photo) return null;
  const names = classNames(state);
  const nameOf = (c: number) => result.inference.top.find((p) => p.index === c)?.name ?? names[c] ?? `class ${c}`;
  const target = state.view.shown[0] ?? result.inference.top[0]?.index;
  const faith = state.faith?.modelKey === state.modelKey && state.faith.photoId === state.photo.id ? state.faith : null;
  const running = faith !== null && !faith.result;
  const curves = faith?.result ?? null;
  const x = (f: number) => PAD + f * (W - PAD - 6);
  const y = (p: number) => H - PAD - p * (H - PAD - 6);
  return (
    <section className="faithfulness" data-testid="faithfulness">
      <div className="faith-head">
        <button
          type="button"
          disabled={running || target === undefined}
          onClick={() => void controller.runFaithfulness(target!)}
          data-testid="faith-run"
        >
          Faithfulness curves{target !== undefined ? ` of ${nameOf(target)}` : ''} ({2 * DEFAULT_STEPS - 1} forward passes)
        </button>
        {running && (
          <>
            <progress max={faith.total} value={faith.done} data-testid="faith-progress" /> {faith.done}/{faith.total}
            <button type="button" onClick={() => controller.cancelFaithfulness()} data-testid="faith-cancel">
              Cancel
            </button>
          </>
        )}
      </div>
      {curves && (
        <figure className="faith-chart">
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Class probability against the fraction of pixels removed or revealed">
            <line x1={PAD} y1={y(0)} x2={W - 6} y2={y(0)} className="axis" />
            <line x1={PAD} y1={y(0)} x2={PAD} y2={y(1)} className="axis" />
            <text x={2} y={y(1) + 4}>
              1
            </text>
            <text x={2} y={y(0) + 4}>
              0
            </text>
            <text x={PAD} y={H - 8}>
              0
            </text>
            <text x={W - 6} y={H - 8} textAnchor="end">
              all pixels
            </text>
            {LINES.map((l) => (
              <polyline
                key={l.key}
                fill="none"
                strokeWidth={2}
                stroke={l.color}
                data-testid={`faith-${l.key}`}
                points={curves[l.key].map((p, i) => `${x(curves.fractions[i]).toFixed(1)},${y(p).toFixed(1)}`).join(' ')}
              />
            ))}
          </svg>
          <figcaption data-testid="faith-caption">
            {nameOf(curves.classIndex)}: probability as its pixels are removed (blurred) or revealed, strongest evidence first.{' '}
            {LINES.map((l) => (
              <span key={l.key} className="faith-key">
                <span className="swatch" style={{ background: l.color }} /> {l.label}: AUC{' '}
                <b data-testid={`faith-auc-${l.key}`}>{(l.key === 'deletion' ? curves.deletionAuc : curves.insertionAuc).toFixed(3)}</b>
              </span>
            ))}{' '}
            {curves.fractions.length - 1} steps, {curves.passes} passes in {(curves.ms / 1000).toFixed(1)} s.
          </figcaption>
        </figure>
      )}
    </section>
  );
}
