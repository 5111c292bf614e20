import { useMemo } from 'react';
import { curveThresholds, iouCurve, peak, thresholdRange } from '../../localize/iou-curve';
import type { BoxRule } from '../../localize/boxes';
import { sceneFor } from '../overlay-view';
import type { Inference } from '../../models/class-maps';
import type { View } from '../state';
import { LineChart } from './LineChart';

const W = 220,
  H = 110,
  PAD = 22;

/** IoU against the threshold for both rules, one line per shown class, a marker at the slider's value. */
export function IouChart({ inference: inf, view, names }: { inference: Inference | undefined; view: View; names: readonly string[] }) {
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
        const active = rule === view.rule;
        return (
          <figure key={rule} className={active ? 'active' : undefined}>
            <LineChart
              width={W}
              height={H}
              pad={PAD}
              xs={ts}
              xRange={range}
              half
              lines={lines.map((l) => ({ key: l.name, color: `rgb(${l.color.join(',')})`, values: l.ious }))}
              marker={{ at: view.thresholds[rule], className: active ? 'marker active' : 'marker', testId: `iou-marker-${rule}` }}
              label={`IoU against the ${rule} threshold`}
            />
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
