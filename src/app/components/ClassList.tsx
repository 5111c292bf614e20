import { useMemo, useState } from 'react';
import { sceneFor } from '../overlay-view';
import type { View } from '../state';
import { softmax, type Inference } from '../../models/class-maps';
import { classColors } from '../../draw/scene';
import { ClassSearch } from './ClassSearch';
import { classProbability, taughtScore } from '../teach/taught-scores';

const css = (c: readonly number[]) => `rgb(${c.join(',')})`;

/**
 * Rows listed before "show all": each row's box is worked out on every threshold step, so with
 * hundreds of classes shown (a link can show all 1,000) the list would cost the slider its frames.
 */
const LISTED = 30;

/** The top classes, then any class added from the search box; each row switches its map and box. */
export interface ClassListProps {
  inference: Inference | undefined;
  view: View;
  names: readonly string[];
  /** The shown model's title, to name it when a search finds nothing. */
  modelTitle: string;
  onShow(index: number): void;
  onHide(index: number): void;
  onRemove(index: number): void;
  onMiss(text: string): void;
}

export function ClassList({ inference: inf, view, names, modelTitle, onShow, onHide, onRemove, onMiss }: ClassListProps) {
  const probs = useMemo(() => (inf ? softmax(inf.logits) : null), [inf]);
  const [all, setAll] = useState(false);
  if (!inf || !probs) return null;
  const top = inf.top.map((p) => p.index);
  // Taught classes (head j is class numClasses + j; the logits are the model's own classes') are
  // always listed, after the top ones, with their own score and verdict.
  const numClasses = inf.logits.length;
  const taught = Array.from({ length: names.length - numClasses }, (_, j) => numClasses + j).filter((c) => inf.maps.classes.includes(c));
  const extra = [...new Set([...taught, ...view.added, ...view.shown])].filter((c) => !top.includes(c));
  const every = [...top, ...extra];
  const rows = all ? every : every.slice(0, LISTED);
  // Boxes and IoUs for every listed class, shown or not, by the current rule.
  const scene = sceneFor(
    inf,
    view,
    names,
    rows.filter((c) => inf.maps.classes.includes(c)),
  );
  const byIndex = new Map(scene.classes.map((c) => [c.index, c]));
  const colors = classColors(view.shown, top);
  return (
    <fieldset className="classes" data-testid="classes">
      <legend>
        Classes <small>(switch each heatmap and box)</small>
      </legend>
      <ol>
        {rows.map((index, row) => {
          const c = byIndex.get(index);
          const isTop = row < top.length;
          const on = view.shown.includes(index);
          const color = colors.get(index) ?? classColors([index], top).get(index)!;
          const name = names[index] ?? inf.top.find((p) => p.index === index)?.name ?? `class ${index}`;
          const p = classProbability(inf.maps, probs, index);
          const verdict = index >= numClasses ? taughtScore(inf.maps, index) : null;
          return (
            <li key={index} className={isTop ? undefined : 'added'}>
              <label>
                <input
                  type="checkbox"
                  checked={on}
                  onChange={() => (on ? onHide(index) : onShow(index))}
                  data-testid={isTop ? `class-${row}` : `class-added-${index}`}
                />
                <span className="swatch" style={{ background: on ? css(color) : 'transparent' }} aria-hidden="true" />
                <span className="name" data-testid={isTop ? `class-name-${row}` : `class-added-name-${index}`}>
                  {name}
                </span>
                <span className="prob">{(100 * p).toFixed(p < 0.001 ? 3 : 1)}%</span>
              </label>
              <meter min={0} max={1} value={p} aria-hidden="true" />
              {verdict && (
                <small className={verdict.present ? 'verdict present' : 'verdict'} data-testid={`taught-verdict-${index}`}>
                  {verdict.present ? `${name}: present in this photo` : `${name}: absent from this photo`} (logit {verdict.logit.toFixed(2)})
                </small>
              )}
              <small className="box" data-testid={isTop ? `class-box-${row}` : `class-added-box-${index}`}>
                {c?.instances && c.instances.length > 1
                  ? `${c.instances.length} x ${name}: ${c.instances.map((b) => `box ${b.map((v) => Math.round(v)).join(', ')}`).join('; ')}`
                  : c?.box
                    ? `box ${c.box.map((v) => Math.round(v)).join(', ')}`
                    : 'no box at this threshold'}
                {c && c.iou !== null && (
                  <>
                    {' '}
                    ·{' '}
                    <span data-testid={`iou-${index}`} className="iou">
                      IoU {c.iou.toFixed(2)}
                    </span>
                  </>
                )}
                {!isTop && !verdict && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => onRemove(index)}
                    aria-label={`Remove ${name}`}
                    data-testid={`remove-${index}`}
                  >
                    remove
                  </button>
                )}
              </small>
            </li>
          );
        })}
      </ol>
      {every.length > LISTED && (
        <button type="button" className="link" onClick={() => setAll(!all)} data-testid="classes-all">
          {all
            ? `list only the first ${LISTED}`
            : `list all ${every.length.toLocaleString('en-US')} classes (the other ${(every.length - LISTED).toLocaleString('en-US')} are shown on the photo)`}
        </button>
      )}
      <ClassSearch names={names} onPick={onShow} onMiss={(q) => onMiss(`No class of ${modelTitle} is named "${q}".`)} />
    </fieldset>
  );
}
