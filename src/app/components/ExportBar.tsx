import type { Inference } from '../../models/class-maps';
import { exportResult, sceneFor } from '../overlay-view';
import { renderPhoto } from '../render';
import type { Notice, Photo, View } from '../state';
import { download } from './download';

const stem = (name: string) => name.replace(/\.[^.]*$/, '') || 'photo';

export interface ExportBarProps {
  photo: Photo | null;
  modelKey: string;
  inference: Inference | undefined;
  view: View;
  names: readonly string[];
  say(kind: Notice['kind'], text: string): void;
}

export function ExportBar({ photo, modelKey, inference, view, names, say }: ExportBarProps) {
  if (!inference || !photo) return null;
  const json = () => {
    const r = exportResult(photo.name, modelKey, inference, view, names);
    download(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }), `${stem(photo.name)}-${modelKey}.json`);
  };
  const png = async () => {
    const canvas = new OffscreenCanvas(1, 1);
    // Full size, with the legend and the ground truth, as `locate --overlay` writes it.
    renderPhoto(canvas, photo.bitmap, photo, sceneFor(inference, view, names), Math.max(photo.width, photo.height), { legend: true });
    try {
      download(await canvas.convertToBlob({ type: 'image/png' }), `${stem(photo.name)}-${modelKey}-overlay.png`);
    } catch (e) {
      say('error', `The PNG could not be made: ${(e as Error).message}`);
    }
  };
  const copyLink = () => {
    void navigator.clipboard?.writeText(location.href).then(
      () => say('info', 'Link to this view copied.'),
      () => say('info', `Copy this link to share the view: ${location.href}`),
    );
  };
  return (
    <div className="export" role="group" aria-label="Export">
      <button type="button" onClick={() => void png()} data-testid="export-png">
        Download overlay (PNG)
      </button>
      <button type="button" onClick={json} data-testid="export-json">
        Download classes and boxes (JSON)
      </button>
      <button type="button" onClick={copyLink} data-testid="copy-link">
        Copy link to this view
      </button>
    </div>
  );
}
