import type { Controller } from '../controller';
import { exportResult, shownClasses } from '../overlay-view';
import { drawScene } from '../render';
import type { State } from '../state';

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '') || 'photo';

export function ExportBar({ state, controller }: { state: State; controller: Controller }) {
  const result = state.results[state.modelKey];
  const photo = state.photo;
  if (!result || !photo) return null;
  const json = () => {
    const r = exportResult(photo.name, state.modelKey, result.inference, state.view);
    download(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }), `${stem(photo.name)}-${state.modelKey}.json`);
  };
  const png = async () => {
    const canvas = new OffscreenCanvas(1, 1);
    const inf = result.inference;
    drawScene(canvas, {
      bitmap: photo.bitmap, width: photo.width, height: photo.height, inference: inf,
      shown: shownClasses(inf, state.view), opacity: state.view.opacity, rawGrid: state.view.rawGrid, boxes: true,
    }, Math.max(photo.width, photo.height));
    try {
      download(await canvas.convertToBlob({ type: 'image/png' }), `${stem(photo.name)}-${state.modelKey}-overlay.png`);
    } catch (e) {
      controller.dispatch({ type: 'notice', kind: 'error', text: `The PNG could not be made: ${(e as Error).message}` });
    }
  };
  return (
    <div className="export" role="group" aria-label="Export">
      <button type="button" onClick={() => void png()} data-testid="export-png">Download overlay (PNG)</button>
      <button type="button" onClick={json} data-testid="export-json">Download classes and boxes (JSON)</button>
    </div>
  );
}
