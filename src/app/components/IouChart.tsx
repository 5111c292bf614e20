import { useMemo } from 'react';
import { curveThresholds, iouCurve, peak, thresholdRange } from '../../localize/iou-curve';
import type { BoxRule } from '../../localize/boxes';
import { sceneFor } from '../overlay-view';
import { classNames, type State } from '../state';

const W = 220,
  H = 110,
  PAD = 22;

/** IoU against the threshold for both rules, one line per shown class, a marker at the slider's value. */
export function IouChart({ state }: { state: State }) {
  const inf = state.results[state.modelKey]?.inference;
  const names = classNames(state);
  const { view } = state;
  const curves = useMemo(() => {
    if (!inf) return null;
    const scene = sceneFor(inf, view, names);
    return (['cam', 'drn'] as BoxRule[]).map((rule) => {
      const range = thresholdRange(rule, Math.max(0, ...scene.classes.map((c) => peak(inf.maps, c.index))));
      const ts = curveThresholds(range);
      return {
        rule,
        range,
        ts,
        lines: scene.classes.map((c) => ({ color: c.color, name: c.name, ious: iouCurve(inf.maps, inf.transform, c.index, rule, ts, view.gt) })),
      };
    });
  }, [inf, names, view]);
  if (!curves) return null;
  return (
    <div className="iou-charts" data-testid="iou-chart">
      {curves.map(({ rule, range, ts, lines }) => {
        const x = (t: number) => PAD + ((t - range.min) / (range.max - range.min || 1)) * (W - PAD - 6);
        const y = (v: number) => H - PAD - v * (H - PAD - 6);
        const active = rule === view.rule;
        const t = view.thresholds[rule];
        return (
          <figure key={rule} className={active ? 'active' : undefined}>
            <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`IoU against the ${rule} threshold`}>
              <line x1={PAD} y1={y(0)} x2={W - 6} y2={y(0)} className="axis" />
              <line x1={PAD} y1={y(0)} x2={PAD} y2={y(1)} className="axis" />
              <line x1={PAD} y1={y(0.5)} x2={W - 6} y2={y(0.5)} className="guide" />
              <text x={2} y={y(1) + 4}>
                1
              </text>
              <text x={2} y={y(0.5) + 4}>
                .5
              </text>
              <text x={2} y={y(0) + 4}>
                0
              </text>
              <text x={PAD} y={H - 6}>
                {range.min}
              </text>
              <text x={W - 6} y={H - 6} textAnchor="end">
                {Number(range.max.toFixed(2))}
              </text>
              {lines.map((l) => (
                <polyline
                  key={l.name}
                  fill="none"
                  strokeWidth={2}
                  stroke={`rgb(${l.color.join(',')})`}
                  points={ts.map((tt, i) => `${x(tt).toFixed(1)},${y(l.ious[i]).toFixed(1)}`).join(' ')}
                />
              ))}
              <line
                x1={x(Math.min(range.max, t))}
                x2={x(Math.min(range.max, t))}
                y1={y(0)}
                y2={y(1)}
                className={active ? 'marker active' : 'marker'}
                data-testid={`iou-marker-${rule}`}
                data-threshold={t}
              />
            </svg>
            <figcaption>
              {rule === 'cam' ? 'CAM rule: IoU vs tau' : 'DRN rule: IoU vs t'}
              {active ? ' (in use)' : ''}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
