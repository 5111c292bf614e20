import { useMemo, useRef } from 'react';
import { curveThresholds, iouCurve, peak, thresholdRange } from '../../localize/iou-curve';
import type { Box, BoxRule } from '../../localize/boxes';
import { classesToDraw } from '../../draw/labels';
import { buildScene } from '../../draw/scene';
import { planeOf } from '../../draw/scene-class';
import type { Inference } from '../../models/class-maps';
import type { View } from '../state';
import { LineChart } from './LineChart';

const W = 220,
  H = 110,
  PAD = 22;

/** IoU against the threshold for both rules, one line per shown class, a marker at the slider's value. */
export function IouChart({ inference: inf, view, names }: { inference: Inference | undefined; view: View; names: readonly string[] }) {
  // The curves do not depend on the slider, so a threshold step only moves the marker. Of the
  // scene only the classes' names, colours and probabilities are read: its rule and threshold,
  // which would only shape boxes, are fixed.
  const { shown, gt } = view;
  // A class's line is kept while the photo, the ground truth, the thresholds and the class's own
  // map stay: switching a class on works out its line alone, switching one off or teaching a class
  // (which adds a map to the photo's result) none of the others.
  const kept = useRef<{ transform: Inference['transform']; gt: readonly Box[]; lines: Map<string, { plane: Float32Array; ious: number[] }> } | null>(
    null,
  );
  const curves = useMemo(() => {
    if (!inf) return null;
    if (kept.current?.transform !== inf.transform || kept.current.gt !== gt) kept.current = { transform: inf.transform, gt, lines: new Map() };
    const lines = kept.current.lines;
    const line = (index: number, rule: BoxRule, ts: number[]) => {
      const key = `${index} ${rule} ${ts.join(',')}`;
      const plane = planeOf(inf.maps, index);
      const had = lines.get(key);
      if (had && had.plane.every((v, i) => v === plane[i])) return had.ious;
      const ious = iouCurve(inf.maps, inf.transform, index, rule, ts, gt);
      lines.set(key, { plane: plane.slice(), ious });
      return ious;
    };
    const scene = buildScene(inf, { shown, names, gt, rule: 'cam', threshold: 0, opacity: 1, scale: 'class', rawGrid: false });
    // One line per class drawn with a box on the photo (the most probable MAX_LABELS of those shown).
    const classes = classesToDraw(scene.classes);
    return (['cam', 'drn'] as BoxRule[]).map((rule) => {
      const range = thresholdRange(rule, Math.max(0, ...classes.map((c) => peak(inf.maps, c.index))));
      const ts = curveThresholds(range);
      return {
        rule,
        range,
        ts,
        lines: classes.map((c) => ({ color: c.color, name: c.name, ious: line(c.index, rule, ts) })),
      };
    });
  }, [inf, names, shown, gt]);
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
