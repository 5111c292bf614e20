import { DEFAULT_STEPS } from '../../localize/faithfulness';
import type { Inference } from '../../models/class-maps';
import type { Research } from '../orchestration/research';
import type { FaithState, Photo, View } from '../state';
import { LineChart } from './LineChart';

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
export interface FaithfulnessChartProps {
  photo: Photo | null;
  modelKey: string;
  inference: Inference | undefined;
  view: View;
  names: readonly string[];
  faith: FaithState | null;
  research: Pick<Research, 'runFaithfulness' | 'cancelFaithfulness'>;
}

export function FaithfulnessChart({ photo, modelKey, inference, view, names, faith: asked, research }: FaithfulnessChartProps) {
  if (!inference || !photo) return null;
  const nameOf = (c: number) => inference.top.find((p) => p.index === c)?.name ?? names[c] ?? `class ${c}`;
  const target = view.shown[0] ?? inference.top[0]?.index;
  const faith = asked?.modelKey === modelKey && asked.photoId === photo.id ? asked : null;
  const running = faith !== null && !faith.result;
  const curves = faith?.result ?? null;
  return (
    <section className="faithfulness" data-testid="faithfulness">
      <div className="faith-head">
        <button
          type="button"
          disabled={running || target === undefined}
          onClick={() => void research.runFaithfulness(target!)}
          data-testid="faith-run"
        >
          Faithfulness curves{target !== undefined ? ` of ${nameOf(target)}` : ''} ({2 * DEFAULT_STEPS - 1} forward passes)
        </button>
        {running && (
          <>
            <progress max={faith.total} value={faith.done} data-testid="faith-progress" /> {faith.done}/{faith.total}
            <button type="button" onClick={() => research.cancelFaithfulness()} data-testid="faith-cancel">
              Cancel
            </button>
          </>
        )}
      </div>
      {curves && (
        <figure className="faith-chart">
          <LineChart
            width={W}
            height={H}
            pad={PAD}
            xs={curves.fractions}
            xRange={{ min: 0, max: 1, minLabel: '0', maxLabel: 'all pixels' }}
            lines={LINES.map((l) => ({ key: l.key, color: l.color, values: curves[l.key], testId: `faith-${l.key}` }))}
            label="Class probability against the fraction of pixels removed or revealed"
          />
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
