import { useEffect, useRef } from 'react';
import { sceneFor } from '../overlay-view';
import { renderPhoto } from '../render';
import { DRN_KEY, RESNET_KEY, type Photo, type RunResult, type View } from '../state';

interface PaneProps {
  photo: Photo;
  view: View;
  result: RunResult | undefined;
  names: readonly string[];
  classIndex: number;
  title: string;
}

function Pane({ photo, view, result, names, classIndex, title }: PaneProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || !result) return;
    renderPhoto(canvas.current, photo.bitmap, photo, sceneFor(result.inference, view, names, [classIndex]), 480);
  }, [photo, result, view, names, classIndex]);
  const maps = result?.inference.maps;
  return (
    <figure className="pane">
      {result ? (
        <canvas ref={canvas} data-testid={`compare-${result.modelKey}`} role="img" aria-label={`${title} map`} />
      ) : (
        <div className="pending">analysing…</div>
      )}
      <figcaption>
        <strong>{title}</strong>
        {maps && (
          <>
            {' '}
            · {maps.width}×{maps.height} map, one cell per {maps.cellSize} input pixels
          </>
        )}
      </figcaption>
    </figure>
  );
}

export interface CompareProps {
  photo: Photo | null;
  view: View;
  /** Results on the photo by model key, the shown model's included. */
  results: Record<string, RunResult>;
  modelKey: string;
  /** Class names by model key. */
  namesOf(key: string): readonly string[];
}

export function Compare({ photo, view, results, modelKey, namesOf }: CompareProps) {
  const primary = results[modelKey];
  if (!view.compare || !primary || !photo) return null;
  const classIndex = view.shown[0] ?? primary.inference.top[0]?.index;
  const name = namesOf(modelKey)[classIndex] ?? `class ${classIndex}`;
  return (
    <section className="compare" aria-label="Compare map resolutions" data-testid="compare-panel">
      <h2>“{name}”: the same class, two output strides</h2>
      <p>
        ResNet-50 sees the photo through a 7×7 grid; DRN-A-50 replaces the last two strides with dilation and keeps a 28×28 grid with the same
        weights. That is the paper's point: dilation keeps spatial detail without losing the receptive field.
      </p>
      <div className="panes">
        <Pane photo={photo} view={view} result={results[RESNET_KEY]} names={namesOf(RESNET_KEY)} classIndex={classIndex} title="ResNet-50" />
        <Pane photo={photo} view={view} result={results[DRN_KEY]} names={namesOf(DRN_KEY)} classIndex={classIndex} title="DRN-A-50" />
      </div>
    </section>
  );
}
