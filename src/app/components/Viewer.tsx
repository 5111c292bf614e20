import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { cellAt } from '../../draw/overlay';
import type { Box } from '../../localize/boxes';
import type { Inference } from '../../models/class-maps';
import { sceneFor } from '../overlay-view';
import { labelFontFor, renderPhoto, renderSize } from '../render';
import type { Photo, View } from '../state';
import { ReadOut } from './ReadOut';

/** Display canvases are at most this many pixels on a side; the PNG export is full size. */
export const VIEW_MAX_SIDE = 960;

type Cell = [number, number];

export interface ViewerProps {
  photo: Photo | null;
  /** The shown model's result on the photo, if any. */
  inference: Inference | undefined;
  view: View;
  names: readonly string[];
  running: boolean;
  /** Drawing a ground-truth box: onBox gets it, then onDrawn. */
  drawing: boolean;
  onBox(box: Box): void;
  onDrawn(): void;
}

export function Viewer({ photo, inference, view, names, running, drawing, onBox, onDrawn }: ViewerProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scene = useMemo(() => (inference ? sceneFor(inference, view, names) : null), [inference, view, names]);
  const [cell, setCell] = useState<Cell | null>(null);
  const [drag, setDrag] = useState<{ from: [number, number]; to: [number, number] } | null>(null);

  // Labels are drawn at a fixed CSS size, so the drawing follows the canvas's displayed width.
  const [cssWidth, setCssWidth] = useState(0);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setCssWidth(c.clientWidth));
    ro.observe(c);
    return () => ro.disconnect();
  }, [photo]);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !photo) return;
    const { width } = renderSize(photo.width, photo.height, VIEW_MAX_SIDE);
    const shown = cssWidth || c.clientWidth;
    const drawn = renderPhoto(c, photo.bitmap, photo, scene, VIEW_MAX_SIDE, { labelFont: labelFontFor(width, shown) });
    // The label size as displayed, for tests and the curious: canvas pixels times CSS px per canvas pixel.
    if (drawn && shown) c.dataset.labelCssPx = ((drawn.labelFont * shown) / width).toFixed(1);
    else delete c.dataset.labelCssPx;
  }, [photo, scene, cssWidth]);
  useEffect(() => setCell(null), [inference]);

  if (!photo) {
    return (
      <div className="viewer empty">
        <p>No photo yet: pick a sample above to see what the network sees.</p>
      </div>
    );
  }
  const maps = inference?.maps;
  const t = inference?.transform;
  /** Pointer position -> photo pixels. */
  const photoXY = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [
      Math.min(photo.width, Math.max(0, ((e.clientX - r.left) / r.width) * photo.width)),
      Math.min(photo.height, Math.max(0, ((e.clientY - r.top) / r.height) * photo.height)),
    ];
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const p = photoXY(e);
    if (drag) setDrag({ ...drag, to: p });
    if (maps && t) setCell(cellAt(t, maps, p[0], p[1]));
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing) {
      onMove(e);
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = photoXY(e);
    setDrag({ from: p, to: p });
  };
  const onUp = () => {
    if (!drag) return;
    const box: Box = [
      Math.min(drag.from[0], drag.to[0]),
      Math.min(drag.from[1], drag.to[1]),
      Math.max(drag.from[0], drag.to[0]),
      Math.max(drag.from[1], drag.to[1]),
    ].map(Math.round) as Box;
    setDrag(null);
    if (box[2] - box[0] >= 2 && box[3] - box[1] >= 2) {
      onBox(box);
      onDrawn();
    }
  };
  // Arrow keys move a cell cursor over the map; the read-out follows it.
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!maps) return;
    const d: Record<string, Cell> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key === 'Escape') {
      setCell(null);
      return;
    }
    const step = d[e.key];
    if (!step) return;
    e.preventDefault();
    // From the latest cell, not this render's: held-down keys repeat faster than React renders.
    setCell((prev) => {
      const [x, y] = prev ?? [Math.floor(maps.width / 2), Math.floor(maps.height / 2)];
      return [Math.min(maps.width - 1, Math.max(0, x + step[0])), Math.min(maps.height - 1, Math.max(0, y + step[1]))];
    });
  };
  const { scale } = renderSize(photo.width, photo.height, VIEW_MAX_SIDE);
  const label = scene?.classes.map((c) => c.name).join(', ');
  const cellRect = cell && maps && t ? cellBounds(cell, maps.cellSize, t) : null;
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  return (
    <figure className="viewer">
      <div className="stage">
        <canvas
          ref={canvas}
          data-testid="viewer"
          data-photo-width={photo.width}
          data-photo-height={photo.height}
          data-scale={scale}
          tabIndex={0}
          role="img"
          aria-label={`${photo.name}${label ? `, showing ${label}` : ''}. Arrow keys move a cursor over the map cells.`}
          className={drawing ? 'drawing' : undefined}
          onPointerMove={onMove}
          onPointerDown={onDown}
          onPointerUp={onUp}
          onPointerLeave={() => !drag && setCell(null)}
          onKeyDown={onKey}
        />
        {cellRect && (
          <div
            className="cell-cursor"
            aria-hidden="true"
            style={{
              left: pct(cellRect[0], photo.width),
              top: pct(cellRect[1], photo.height),
              width: pct(cellRect[2] - cellRect[0], photo.width),
              height: pct(cellRect[3] - cellRect[1], photo.height),
            }}
          />
        )}
        {drag && (
          <div
            className="gt-drag"
            aria-hidden="true"
            style={{
              left: pct(Math.min(drag.from[0], drag.to[0]), photo.width),
              top: pct(Math.min(drag.from[1], drag.to[1]), photo.height),
              width: pct(Math.abs(drag.to[0] - drag.from[0]), photo.width),
              height: pct(Math.abs(drag.to[1] - drag.from[1]), photo.height),
            }}
          />
        )}
      </div>
      <figcaption>
        {photo.name} · {photo.width}×{photo.height}
        {running && (
          <span className="busy" data-testid="running">
            {' '}
            · analysing…
          </span>
        )}
        {drawing && <strong> · drag on the photo to draw a ground-truth box</strong>}
      </figcaption>
      {inference && scene && <ReadOut cell={cell} result={inference} scene={scene} names={names} />}
    </figure>
  );
}

/** A map cell's extent in photo pixels (clamped to the photo). */
function cellBounds(
  cell: Cell,
  cellSize: number,
  t: { scaleX: number; scaleY: number; offsetX: number; offsetY: number; imageWidth: number; imageHeight: number },
): Box {
  const x = (v: number) => Math.min(t.imageWidth, Math.max(0, (v + t.offsetX) / t.scaleX));
  const y = (v: number) => Math.min(t.imageHeight, Math.max(0, (v + t.offsetY) / t.scaleY));
  return [x(cell[0] * cellSize), y(cell[1] * cellSize), x((cell[0] + 1) * cellSize), y((cell[1] + 1) * cellSize)];
}
