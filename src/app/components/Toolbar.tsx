import type { Inference } from '../../models/class-maps';
import type { ModelEntry } from '../state';
import { BACKENDS, type BackendChoice, type BackendInfo } from '../worker/protocol';

const BACKEND_LABEL: Record<BackendChoice, string> = {
  auto: 'Automatic',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly (wasm)',
  cpu: 'CPU (plain JS)',
};

export interface ToolbarProps {
  models: ModelEntry[];
  modelKey: string;
  backendChoice: BackendChoice;
  backend: BackendInfo | null;
  backendBusy: boolean;
  /** The shown model's latest result on the photo, if any. */
  inference: Inference | undefined;
  tensors: number | undefined;
  canRerun: boolean;
  onModel(key: string): void;
  onBackend(choice: BackendChoice): void;
  onRerun(): void;
}

export function Toolbar({
  models,
  modelKey,
  backendChoice,
  backend,
  backendBusy,
  inference,
  tensors,
  canRerun,
  onModel,
  onBackend,
  onRerun,
}: ToolbarProps) {
  return (
    <section className="toolbar" aria-label="Model and backend">
      <label>
        Model{' '}
        <select value={modelKey} onChange={(e) => onModel(e.target.value)} data-testid="model-select">
          {models.map((m) => (
            <option key={m.key} value={m.key}>
              {m.title}
              {m.imported ? ' (imported)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Backend{' '}
        <select value={backendChoice} onChange={(e) => onBackend(e.target.value as BackendChoice)} data-testid="backend-select">
          {(['auto', ...BACKENDS] as BackendChoice[]).map((b) => (
            <option key={b} value={b}>
              {BACKEND_LABEL[b]}
            </option>
          ))}
        </select>
      </label>
      <dl className="status" aria-live="polite">
        <div>
          <dt>Running on</dt>
          <dd data-testid="backend">{backendBusy ? 'starting…' : (backend?.name ?? 'none')}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd data-testid="device">
            {backend?.device ?? '—'}
            {backend?.software ? ' (software)' : ''}
          </dd>
        </div>
        <div>
          <dt>Last inference</dt>
          <dd data-testid="last-ms" title={inference?.replayed ? 'a replay of the recorded WebGPU commands of an earlier run' : undefined}>
            {inference ? `${Math.round(inference.ms)} ms${inference.replayed ? ' (replayed)' : ''}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Tensors</dt>
          <dd data-testid="tensors">{tensors ?? '—'}</dd>
        </div>
      </dl>
      <button type="button" onClick={onRerun} disabled={!canRerun} data-testid="rerun">
        Run again
      </button>
      {backend && backend.notes.length > 0 && (
        <details className="notes">
          <summary>Why this backend</summary>
          <ul data-testid="backend-notes">
            {backend.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
