import { useEffect, useRef } from 'react';
import { sceneFor } from '../overlay-view';
import { renderPhoto } from '../render';
import { classNames, DRN_KEY, RESNET_KEY, type RunResult, type State } from '../state';

function Pane({ state, result, classIndex, title }: { state: State; result: RunResult | undefined; classIndex: number; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { photo, view } = state;
  useEffect(() => {
    if (!canvas.current || !photo || !result) return;
    renderPhoto(canvas.current, photo.bitmap, photo, sceneFor(result.inference, view, classNames(state, result.modelKey), [classIndex]), 480);
  }, [photo, result, view, classIndex, state]);
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

export function Compare({ state }: { state: State }) {
  const primary = state.results[state.modelKey];
  if (!state.view.compare || !primary || !state.photo) return null;
  const classIndex = state.view.shown[0] ?? primary.inference.top[0]?.index;
  const name = classNames(state)[classIndex] ?? `class ${classIndex}`;
  return (
    <section className="compare" aria-label="Compare map resolutions" data-testid="compare-panel">
      <h2>“{name}”: the same class, two output strides</h2>
      <p>
        ResNet-50 sees the photo through a 7×7 grid; DRN-A-50 replaces the last two strides with dilation and keeps a 28×28 grid with the same
        weights. That is the paper's point: dilation keeps spatial detail without losing the receptive field.
      </p>
      <div className="panes">
        <Pane state={state} result={state.results[RESNET_KEY]} classIndex={classIndex} title="ResNet-50" />
        <Pane state={state} result={state.results[DRN_KEY]} classIndex={classIndex} title="DRN-A-50" />
      </div>
    </section>
  );
}
